import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimingsFile } from '../src/timings-file.js'
import { readTimings, runFixture as runFixtureIn, testNamed } from './run-fixture.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('./fixtures/durations', import.meta.url))
const timingsCli = fileURLToPath(new URL('../dist/timings-cli.js', import.meta.url))
const runFixture = (args: string[], env: Record<string, string>) => runFixtureIn(root, args, env)

let dir: string
let first: { stdout: string; code: number }
let timings: TimingsFile

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reporter-'))
  first = await runFixture([], {
    TIMINGS_FILE: join(dir, 'timings.json'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  })
  timings = await readTimings(join(dir, 'timings.json'))
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('SuitekitReporter in a vitest run', () => {
  it('prints the slowest tests above the threshold, slowest first, and the files and the efficiency', () => {
    expect(first.code).toBe(0)
    const report = first.stdout.slice(first.stdout.indexOf('slowest 4 test(s)'))
    const lines = report.split('\n')
    expect(lines[0]).toBe('slowest 4 test(s) at or above 0.15s:')
    expect(lines[1]).toMatch(/^\s+total\s+setup\s+body\s+teardown\s+test$/)
    // the fast and the skipped test stay out (the margins are wide: a trivial first test in a
    // cold worker can take tens of ms)
    expect(lines.slice(2, 6).map((l) => l.replace(/^(\s+[\d.]+s){4}\s+/, ''))).toEqual([
      'split.test.ts > has a slow fixture, hooks and body',
      'split.test.ts > fails once, then passes (flaky)',
      'slow.test.ts > takes about 430 ms',
      'slow.test.ts > takes about 230 ms',
    ])
    expect(report).toContain('slowest 3 file(s):')
    expect(report).toMatch(/parallel efficiency \d+%: busy worker \d .* wall x 2 worker\(s\)/)
  })

  it('splits each test into setup (hooks and fixtures), body and teardown, measured in the worker', () => {
    // beforeEach 100 ms + fixture setup 300 ms | body 250 ms | afterEach 200 ms + fixture teardown 100 ms
    const { split, durationMs } = testNamed(timings, 'has a slow fixture, hooks and body')
    expect(split!.setupMs).toBeGreaterThanOrEqual(395)
    expect(split!.bodyMs).toBeGreaterThanOrEqual(245)
    expect(split!.bodyMs).toBeLessThan(545) // had the fixture's 300 ms leaked into the body, it would be over
    expect(split!.teardownMs).toBeGreaterThanOrEqual(295)
    const sum = split!.setupMs + split!.bodyMs + split!.teardownMs
    expect(Math.abs(sum - durationMs)).toBeLessThan(20) // the parts add up to vitest's own total
  })

  it('without the timing runner, leaves the split out and shows dashes', async () => {
    const path = join(dir, 'no-runner.json')
    const alone = await runFixture(['fast.test.ts', 'slow.test.ts'], {
      NO_RUNNER: '1',
      TIMINGS_FILE: path,
    })
    expect(alone.code).toBe(0)
    const { tests } = await readTimings(path)
    expect(tests.filter((t) => t.state === 'passed')).toHaveLength(3)
    for (const test of tests) expect(test).not.toHaveProperty('split')
    expect(alone.stdout).toMatch(
      /\n\s+0\.\d\ds\s+-\s+-\s+-\s+slow\.test\.ts > takes about 430 ms\n/,
    )
    expect(alone.stdout).not.toContain('NaN')
    await rm(path)
  }, 60_000)

  it('lists a flaky test with every attempt', () => {
    const flaky = testNamed(timings, 'fails once, then passes')
    expect(flaky).toMatchObject({ state: 'passed', retries: 1, flaky: true })
    expect(flaky.attempts!.map((a) => a.state)).toEqual(['failed', 'passed'])
    for (const attempt of flaky.attempts!) expect(attempt.durationMs).toBeGreaterThanOrEqual(345)
    // each attempt has its own split: the 50 ms body, between the 100 ms beforeEach and 200 ms afterEach
    for (const attempt of flaky.attempts!) {
      expect(attempt.split!.setupMs).toBeGreaterThanOrEqual(95)
      expect(attempt.split!.bodyMs).toBeGreaterThanOrEqual(45)
      expect(attempt.split!.teardownMs).toBeGreaterThanOrEqual(195)
    }
    expect(first.stdout).toMatch(
      /1 flaky test\(s\), failed, then passed on a retry:\n {2}split\.test\.ts > fails once, then passes: 0\.\d\ds failed, 0\.\d\ds passed/,
    )
  })

  it('writes the versioned timings file', () => {
    expect(timings).toMatchObject({ version: 1, workers: 2 })
    expect(timings.tests.map((t) => [t.file, t.name, t.state]).sort()).toEqual([
      ['fast.test.ts', 'is fast', 'passed'],
      ['slow.test.ts', 'is skipped', 'skipped'],
      ['slow.test.ts', 'takes about 230 ms', 'passed'],
      ['slow.test.ts', 'takes about 430 ms', 'passed'],
      ['split.test.ts', 'fails once, then passes', 'passed'],
      ['split.test.ts', 'has a slow fixture, hooks and body', 'passed'],
    ])
    expect(timings.files.map((f) => f.file).sort()).toEqual([
      'fast.test.ts',
      'slow.test.ts',
      'split.test.ts',
    ])
    expect(timings.parallelEfficiency).toBeGreaterThan(0)
    expect(timings.parallelEfficiency).toBeLessThanOrEqual(1)
  })

  it('appends a Markdown summary to $GITHUB_STEP_SUMMARY when it is set, and writes nothing else', async () => {
    const summary = await readFile(join(dir, 'summary.md'), 'utf8')
    expect(summary).toMatch(/^### Test timings\n\n6 tests in 3 files, /)
    expect(summary).toContain('| total | setup | body | teardown | test |')
    expect(summary).toContain('`split.test.ts` > fails once, then passes (flaky)')
    // the other runs of this file do not set the variable: nothing but their own files appears
    expect((await readdir(dir)).sort()).toEqual(['summary.md', 'timings.json'])
  })

  it('compares with a baseline, and a broken budget fails the run', async () => {
    // a warm baseline run first (the first run of this file paid cold imports): it passes
    const kept = await runFixture([], {
      TIMINGS_FILE: join(dir, 'kept.json'),
      BASELINE_FILE: join(dir, 'timings.json'),
      BUDGET_TEST_MS: '5000',
    })
    expect(kept.code).toBe(0)
    const slower = await runFixture([], {
      // the 430 ms test takes about 3230 ms: far over 5 % of the suite's busy time
      SLOWER: '8',
      TIMINGS_FILE: join(dir, 'slower.json'),
      BASELINE_FILE: join(dir, 'kept.json'),
      BUDGET_TEST_MS: '5000',
      BUDGET_SUITE_PCT: '5',
    })
    expect(slower.code).toBe(1) // every test passed: the suite budget failed the run
    expect(slower.stdout).toMatch(
      /compared with the baseline: suite [\d.]+s -> [\d.]+s of busy time \(\+\d+%\), 0 new slow test\(s\), 1 regression\(s\), 0 improvement\(s\)/,
    )
    expect(slower.stdout).toMatch(
      /regressions:\n.*\n\s+0\.\d\ds\s+3\.\d\ds\s+\+\d+%\s+slow\.test\.ts > takes about 430 ms/,
    )
    expect(slower.stdout).toMatch(
      /1 budget\(s\) exceeded, the run fails:\n {2}the suite took [\d.]+s of busy time, \d+% over the baseline's [\d.]+s \(budget: 5%\)/,
    )
    await rm(join(dir, 'slower.json'))
    await rm(join(dir, 'kept.json'))
  }, 60_000)

  it('splits shards by recorded time, runs every file once, and merges the shard files', async () => {
    const shards = []
    for (const index of [1, 2]) {
      const result = await runFixture([`--shard=${index}/2`], {
        SUITEKIT_TIMINGS_FILE: join(dir, 'timings.json'),
        TIMINGS_FILE: join(dir, `shard-${index}.json`),
      })
      expect(result.code).toBe(0)
      shards.push(await readTimings(join(dir, `shard-${index}.json`)))
    }
    // split.test.ts (about 1.9 s) alone on one shard, the two others on the other
    const filesOf = (t: TimingsFile) => t.files.map((f) => f.file).sort()
    expect(shards.map(filesOf).sort((a, b) => a.length - b.length)).toEqual([
      ['split.test.ts'],
      ['fast.test.ts', 'slow.test.ts'],
    ])
    for (const [i, shard] of shards.entries()) {
      expect(shard.shard).toMatchObject({ index: i + 1, count: 2 })
      expect(shard.shard!.predictedMs).toBeGreaterThan(0)
    }
    const { stdout } = await run(process.execPath, [
      timingsCli,
      'merge',
      join(dir, 'shard-1.json'),
      join(dir, 'shard-2.json'),
      '-o',
      join(dir, 'merged.json'),
    ])
    expect(stdout).toMatch(
      /^merged 2 file\(s\) into .*merged\.json: 3 test files, 6 tests; shard wall times [\d.]+s [\d.]+s; imbalance \d\.\d\d as run \(longest \/ mean\), \d\.\d\d predicted\n$/,
    )
    const merged = await readTimings(join(dir, 'merged.json'))
    expect(merged.shards!.map((s) => s.index)).toEqual([1, 2])
    expect(merged.workers).toBe(4)
    expect(merged.tests).toHaveLength(6)
  }, 60_000)
})
