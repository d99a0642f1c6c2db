import { describe, expect, it } from 'vitest'
import { planShards } from './plan-shards.js'

const timings = (ms: Record<string, number>) =>
  Object.entries(ms).map(([file, durationMs]) => ({ file, durationMs }))

describe('planShards', () => {
  it('balances skewed timings better than splitting by file count', () => {
    // the two slow files sort together, so a count-based split puts both in the first shard
    const files = timings({ a: 1000, b: 900, c: 100, d: 100, e: 100, f: 100 })
    const plan = planShards(files, 2)
    expect(plan.map((s) => s.predictedMs)).toEqual([1200, 1100])
    const byCount = [files.slice(0, 3), files.slice(3)].map((s) =>
      s.reduce((total, f) => total + f.durationMs, 0),
    )
    expect(byCount).toEqual([2000, 300])
  })

  it('puts every file in exactly one shard', () => {
    const files = timings({ a: 5, b: 4, c: 3, d: 2, e: 1 })
    const plan = planShards(files, 3)
    expect(plan.flatMap((s) => s.files).sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('returns empty shards when there are more shards than files', () => {
    expect(planShards(timings({ a: 1 }), 3)).toEqual([
      { files: ['a'], predictedMs: 1 },
      { files: [], predictedMs: 0 },
      { files: [], predictedMs: 0 },
    ])
  })

  it('is deterministic when durations tie', () => {
    const files = timings({ c: 10, a: 10, b: 10, d: 10 })
    expect(planShards(files, 2)).toEqual(planShards([...files].reverse(), 2))
  })

  it.each([
    [0, 'shard count must be a positive integer, got 0'],
    [1.5, 'shard count must be a positive integer, got 1.5'],
  ])('rejects a shard count of %s', (count, message) => {
    expect(() => planShards([], count)).toThrow(message)
  })

  it('rejects negative durations and duplicate files', () => {
    expect(() => planShards(timings({ a: -1 }), 1)).toThrow("file 'a' has an invalid duration: -1")
    expect(() => planShards([...timings({ a: 1 }), ...timings({ a: 2 })], 1)).toThrow(
      "file 'a' is listed twice",
    )
  })
})
