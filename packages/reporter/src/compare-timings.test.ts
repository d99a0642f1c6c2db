import { describe, expect, it } from 'vitest'
import { checkBudgets } from './budgets.js'
import { compareTimings } from './compare-timings.js'
import type { TestTiming, TimingsFile } from './timings-file.js'

/** A run with these test durations, one file per test. */
function runOf(
  durations: Record<string, number>,
  state: TestTiming['state'] = 'passed',
): TimingsFile {
  const tests = Object.entries(durations).map(([name, durationMs]) => ({
    file: `${name}.test.ts`,
    name,
    durationMs,
    state,
    retries: 0,
    flaky: false,
  }))
  return {
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    wallMs: 1,
    workers: 1,
    busyMs: {},
    parallelEfficiency: 1,
    files: tests.map((t) => ({
      file: t.file,
      importMs: 0,
      collectMs: 0,
      setupMs: 0,
      testsMs: t.durationMs,
      totalMs: t.durationMs,
      worker: 1,
    })),
    tests,
  }
}

describe('compareTimings', () => {
  const baseline = runOf({ steady: 2000, slower: 1000, tiny: 2, faster: 3000, crossed: 900 })

  it('needs both the relative and the absolute threshold to call a change a regression', () => {
    const current = runOf({ steady: 2050, slower: 1300, tiny: 6, faster: 1000, crossed: 1100 })
    const result = compareTimings(current, baseline, { relativePct: 20, absoluteMs: 100 })
    // tiny tripled (+200%) but by 4 ms; steady grew 50 ms (+2.5%); crossed +22% and +200 ms
    expect(result.regressions.map((r) => [r.name, Math.round(r.changePct)])).toEqual([
      ['slower', 30],
      ['crossed', 22],
    ])
    expect(result.improvements.map((r) => r.name)).toEqual(['faster'])
    // crossed the 1 s threshold: new slow; slower was already slow
    expect(result.newSlow.map((t) => t.name)).toEqual(['crossed'])
    expect(result.suite.baselineMs).toBe(6902)
    expect(result.suite.currentMs).toBe(5456)
    expect(result.suite.changePct).toBeCloseTo(-20.95, 1)
  })

  it('counts a test absent from the baseline as new slow when it is slow, and never as a regression', () => {
    const result = compareTimings(runOf({ brandNew: 4000, steady: 2000 }), baseline)
    expect(result.newSlow.map((t) => t.name)).toEqual(['brandNew'])
    expect(result.regressions).toEqual([])
  })

  it('ignores skipped tests', () => {
    const result = compareTimings(runOf({ slower: 9000 }, 'skipped'), baseline)
    expect(result).toMatchObject({ newSlow: [], regressions: [] })
  })

  it('rejects a negative threshold', () => {
    expect(() => compareTimings(baseline, baseline, { absoluteMs: -1 })).toThrow(
      'absoluteMs must be a number >= 0, got -1',
    )
  })
})

describe('checkBudgets', () => {
  it('names every test over the per-test budget and a suite over its baseline', () => {
    const baseline = runOf({ a: 1000, b: 1000 })
    const current = runOf({ a: 1000, b: 1600 })
    const comparison = compareTimings(current, baseline)
    expect(checkBudgets(current, { testMs: 1500, suiteOverBaselinePct: 25 }, comparison)).toEqual([
      'b.test.ts > b took 1.60s, over the 1.50s budget per test',
      "the suite took 2.60s of busy time, 30% over the baseline's 2.00s (budget: 25%)",
    ])
    expect(checkBudgets(current, { testMs: 2000, suiteOverBaselinePct: 30 }, comparison)).toEqual(
      [],
    )
  })

  it('has no suite budget to check without a baseline', () => {
    expect(checkBudgets(runOf({ a: 1 }), { suiteOverBaselinePct: 0 }, undefined)).toEqual([])
  })
})
