import { describe, expect, it } from 'vitest'
import { formatMarkdownSummary } from './markdown-summary.js'
import { mergeTimings } from './merge-timings.js'
import type { TimingsFile } from './timings-file.js'

function shardRun(
  index: number,
  count: number,
  files: Record<string, number>,
  wallMs: number,
  predictedMs?: number,
): TimingsFile {
  return {
    version: 1,
    createdAt: `2026-01-0${index}T00:00:00.000Z`,
    wallMs,
    workers: 2,
    busyMs: {},
    parallelEfficiency: 0.5,
    shard: { index, count, ...(predictedMs === undefined ? {} : { predictedMs }) },
    files: Object.entries(files).map(([file, totalMs], i) => ({
      file,
      importMs: 0,
      collectMs: 0,
      setupMs: 0,
      testsMs: totalMs,
      totalMs,
      worker: (i % 2) + 1,
    })),
    tests: Object.keys(files).map((file) => ({
      file,
      name: 'works',
      durationMs: 1,
      state: 'passed' as const,
      retries: 0,
      flaky: false,
    })),
  }
}

describe('mergeTimings', () => {
  it('merges shards into one file, numbers worker slots apart and reports both imbalances', () => {
    const { timings, actualImbalance, predictedImbalance } = mergeTimings([
      shardRun(2, 2, { 'c.test.ts': 3000 }, 3000, 3000),
      shardRun(1, 2, { 'a.test.ts': 2000, 'b.test.ts': 2000 }, 2000, 4000),
    ])
    expect(timings.files.map((f) => [f.file, f.worker])).toEqual([
      ['c.test.ts', 1],
      ['a.test.ts', 3],
      ['b.test.ts', 4],
    ])
    expect(timings.workers).toBe(4)
    expect(timings.wallMs).toBe(3000)
    expect(timings.createdAt).toBe('2026-01-02T00:00:00.000Z')
    expect(timings.shards).toEqual([
      { index: 1, count: 2, predictedMs: 4000, wallMs: 2000, busyMs: 4000 },
      { index: 2, count: 2, predictedMs: 3000, wallMs: 3000, busyMs: 3000 },
    ])
    expect(actualImbalance).toBeCloseTo(3000 / 2500)
    expect(predictedImbalance).toBeCloseTo(4000 / 3500)
    // busy 7000 over (2000 x 2 + 3000 x 2) of capacity
    expect(timings.parallelEfficiency).toBeCloseTo(0.7)
  })

  it('has no predicted imbalance unless every shard recorded one', () => {
    const merged = mergeTimings([
      shardRun(1, 2, { 'a.test.ts': 1 }, 1, 1),
      shardRun(2, 2, { 'b.test.ts': 1 }, 1),
    ])
    expect(merged.predictedImbalance).toBeUndefined()
    expect(merged.actualImbalance).toBe(1)
  })

  it('refuses shards that overlap, repeat or come from different splits', () => {
    const a = shardRun(1, 2, { 'a.test.ts': 1 }, 1)
    expect(() => mergeTimings([a, shardRun(2, 2, { 'a.test.ts': 1 }, 1)])).toThrow(
      "test file 'a.test.ts' is in shard 1 and shard 2: the shards overlap",
    )
    expect(() => mergeTimings([a, shardRun(1, 2, { 'b.test.ts': 1 }, 1)])).toThrow(
      'shard 1/2 is given twice',
    )
    expect(() => mergeTimings([a, shardRun(2, 3, { 'b.test.ts': 1 }, 1)])).toThrow(
      'the files are shards of different splits (of 2, of 3); merge the shards of one run',
    )
    expect(() => mergeTimings([])).toThrow('nothing to merge')
    expect(() => mergeTimings([{ ...a, version: 2 as 1 }])).toThrow(
      'cannot merge a version 2 timings file; this version reads 1',
    )
  })
})

describe('formatMarkdownSummary', () => {
  it('keeps a test name with a pipe from breaking the table', () => {
    const run = shardRun(1, 1, { 'a.test.ts': 1 }, 1)
    run.tests[0] = { ...run.tests[0]!, name: 'parses a | b', durationMs: 2000 }
    const markdown = formatMarkdownSummary(run)
    expect(markdown).toContain('### Test timings (shard 1/1)')
    expect(markdown).toContain('| 2.00s | - | - | - | `a.test.ts` > parses a \\| b |')
  })
})
