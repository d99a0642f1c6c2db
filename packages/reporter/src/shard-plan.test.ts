import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { imbalance, planShardsFromTimings } from './shard-plan.js'
import type { TimingsFile } from './timings-file.js'

/** A timings file with these file totals. */
function timingsOf(totals: Record<string, number>): TimingsFile {
  return {
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    wallMs: 0,
    workers: 1,
    busyMs: {},
    parallelEfficiency: 0,
    tests: [],
    files: Object.entries(totals).map(([file, totalMs]) => ({
      file,
      totalMs,
      importMs: 0,
      collectMs: 0,
      setupMs: 0,
      testsMs: totalMs,
      worker: 1,
    })),
  }
}

// skewed: the slow files sort together, as a directory of integration tests does
const skewed = { 'a.test.ts': 9000, 'b.test.ts': 8000, 'c.test.ts': 7000, 'd.test.ts': 6000 }
for (const name of 'efghijklmnop') Object.assign(skewed, { [`${name}.test.ts`]: 500 })

describe('planShardsFromTimings', () => {
  it('balances skewed timings far better than splitting by file count', () => {
    const files = Object.keys(skewed).sort()
    const plan = planShardsFromTimings(files, timingsOf(skewed), 4)
    // what vitest --shard does: the same number of files per shard, in order
    const byCount = [0, 1, 2, 3].map((i) =>
      files.slice(i * 4, i * 4 + 4).reduce((sum, f) => sum + skewed[f as keyof typeof skewed], 0),
    )
    expect(imbalance(byCount)).toBeGreaterThan(2.5)
    expect(plan.predictedImbalance).toBeLessThan(1.1)
    expect(plan.shards.flatMap((s) => s.files).sort()).toEqual(files)
  })

  it('estimates files with no recorded time as the median recorded file', () => {
    const plan = planShardsFromTimings(
      ['a.test.ts', 'new.test.ts'],
      timingsOf({ 'a.test.ts': 100, 'b.test.ts': 300 }),
      1,
    )
    expect(plan.estimated).toEqual(['new.test.ts'])
    expect(plan.shards[0]!.predictedMs).toBe(100 + 300)
  })
})

describe('suitekit-shard', () => {
  const cli = fileURLToPath(new URL('../dist/shard-cli.js', import.meta.url))
  const run = promisify(execFile)

  it('prints the files of shard i/n, balanced by time, and a summary on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shard-'))
    try {
      const file = join(dir, 'timings.json')
      await writeFile(file, JSON.stringify(timingsOf(skewed)))
      const files = Object.keys(skewed)
      const outputs = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          run(process.execPath, [cli, '--timings', file, '--shard', `${i}/4`, ...files]),
        ),
      )
      const shards = outputs.map((o) => o.stdout.trim().split('\n'))
      expect(shards.flat().sort()).toEqual(files.sort())
      // the time-balanced plan puts one of the four slow files in each shard
      const slow = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts']
      expect(shards.map((s) => s.filter((f) => slow.includes(f)).length)).toEqual([1, 1, 1, 1])
      expect(outputs[0]!.stderr).toMatch(
        /^shard 1\/4: \d+ file\(s\), predicted \d+\.\ds; plan imbalance 1\.\d\d \(longest \/ mean\)\n$/,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('explains a bad --shard', async () => {
    const error = await run(process.execPath, [cli, '--shard', '5/4', 'a.test.ts']).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 2 })
    expect((error as { stderr: string }).stderr).toContain(
      "suitekit-shard: --shard must be i/n with 1 <= i <= n, got '5/4'",
    )
  })
})
