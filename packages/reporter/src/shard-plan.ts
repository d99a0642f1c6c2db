import { planShards, type Shard } from './plan-shards.js'
import type { TimingsFile } from './timings-file.js'

/** A shard plan for the files of a run, from recorded timings. */
export interface ShardPlan {
  shards: Shard[]
  /** Files with no recorded time, given the median of the recorded ones. */
  estimated: string[]
  /** Longest shard / mean shard (1 = perfectly balanced), as predicted. */
  predictedImbalance: number
}

/** The estimate for a file with no recorded time when nothing at all is recorded. */
const DEFAULT_ESTIMATE_MS = 1000

/**
 * Splits `files` over `count` shards by their recorded time in `timings` (each file's total), so
 * the shards finish together. A file with no recorded time counts as the median recorded file.
 */
export function planShardsFromTimings(
  files: readonly string[],
  timings: TimingsFile | undefined,
  count: number,
): ShardPlan {
  const recorded = new Map(timings?.files.map((f) => [f.file, f.totalMs]) ?? [])
  const known = [...recorded.values()].sort((a, b) => a - b)
  const estimate = known.length > 0 ? known[Math.floor(known.length / 2)]! : DEFAULT_ESTIMATE_MS
  const estimated = files.filter((file) => !recorded.has(file))
  const shards = planShards(
    [...new Set(files)].map((file) => ({ file, durationMs: recorded.get(file) ?? estimate })),
    count,
  )
  return { shards, estimated, predictedImbalance: imbalance(shards.map((s) => s.predictedMs)) }
}

/** Longest / mean of shard times; 1 when all are equal (or all empty). */
export function imbalance(shardMs: readonly number[]): number {
  const mean = shardMs.reduce((sum, ms) => sum + ms, 0) / shardMs.length
  return mean > 0 ? Math.max(...shardMs) / mean : 1
}
