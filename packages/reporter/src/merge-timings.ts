import { imbalance } from './shard-plan.js'
import { parallelEfficiency } from './parallel-efficiency.js'
import { TIMINGS_VERSION, type ShardRun, type TimingsFile } from './timings-file.js'

/** A merged timings file, and how evenly its shards finished. */
export interface MergedTimings {
  timings: TimingsFile
  /** Longest / mean shard wall time, as run (1 = they finished together); undefined without shards. */
  actualImbalance: number | undefined
  /** The same, as the plan predicted; undefined unless every shard recorded a prediction. */
  predictedImbalance: number | undefined
}

/**
 * Merges the timings files of several shards of one run into one (the input of the next run's
 * shard plan). Throws when two files are the same shard or of different shard counts, when a test
 * file appears in two shards, or on a file of another format version.
 */
export function mergeTimings(parts: readonly TimingsFile[]): MergedTimings {
  if (parts.length === 0) throw new Error('nothing to merge: give at least one timings file')
  for (const part of parts) {
    if (part.version !== TIMINGS_VERSION) {
      throw new Error(
        `cannot merge a version ${String(part.version)} timings file; this version reads ${String(TIMINGS_VERSION)}`,
      )
    }
  }
  const counts = new Set(parts.map((p) => p.shard?.count))
  if (counts.size > 1) {
    throw new Error(
      `the files are shards of different splits (${[...counts].map((c) => (c ? `of ${c}` : 'unsharded')).join(', ')}); merge the shards of one run`,
    )
  }
  const seenShards = new Set<number>()
  const seenFiles = new Map<string, number>()
  const shards: ShardRun[] = []
  for (const [i, part] of parts.entries()) {
    const index = part.shard?.index ?? i + 1
    if (part.shard && seenShards.has(index))
      throw new Error(`shard ${index}/${part.shard.count} is given twice`)
    seenShards.add(index)
    for (const { file } of part.files) {
      const other = seenFiles.get(file)
      if (other !== undefined)
        throw new Error(
          `test file '${file}' is in shard ${other} and shard ${index}: the shards overlap`,
        )
      seenFiles.set(file, index)
    }
    shards.push({
      index,
      count: part.shard?.count ?? parts.length,
      ...(part.shard?.predictedMs !== undefined ? { predictedMs: part.shard.predictedMs } : {}),
      wallMs: part.wallMs,
      busyMs: part.files.reduce((sum, f) => sum + f.totalMs, 0),
    })
  }
  shards.sort((a, b) => a.index - b.index)
  // worker slots of different shards are different machines: number them apart
  let slot = 0
  const files = parts.flatMap((part) => {
    const base = slot
    slot += part.workers
    return part.files.map((f) => ({ ...f, worker: base + f.worker }))
  })
  const workers = slot
  const wallMs = Math.max(...parts.map((p) => p.wallMs))
  // each shard had its own wall clock: efficiency is busy over the sum of each shard's capacity
  const capacity = parts.reduce((sum, p) => sum + p.wallMs * p.workers, 0)
  const { busyMs } = parallelEfficiency(files, wallMs, workers)
  const busy = files.reduce((sum, f) => sum + f.totalMs, 0)
  const ci = parts.find((p) => p.ci)?.ci
  const timings: TimingsFile = {
    version: TIMINGS_VERSION,
    createdAt: parts
      .map((p) => p.createdAt)
      .sort()
      .at(-1)!,
    wallMs,
    workers,
    busyMs,
    parallelEfficiency: capacity > 0 ? Math.min(1, busy / capacity) : 0,
    shards,
    ...(ci ? { ci } : {}),
    files,
    tests: parts.flatMap((p) => p.tests),
  }
  const predicted = shards.map((s) => s.predictedMs)
  return {
    timings,
    actualImbalance: shards.length > 1 ? imbalance(shards.map((s) => s.wallMs)) : undefined,
    predictedImbalance:
      shards.length > 1 && predicted.every((ms) => ms !== undefined)
        ? imbalance(predicted)
        : undefined,
  }
}
