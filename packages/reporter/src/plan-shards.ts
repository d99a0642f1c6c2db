/** One test file and how long it took (or is expected to take). */
export interface TimedFile {
  file: string
  durationMs: number
}

/** One shard of a plan: its files and their predicted total time. */
export interface Shard {
  files: string[]
  predictedMs: number
}

/**
 * Splits test files over `count` shards so that they finish together: longest files first, each to
 * the shard with the least predicted time (LPT). Ties are broken by file name, so a plan is
 * deterministic for the same timings.
 *
 * @example
 * planShards([{ file: 'a.test.ts', durationMs: 900 }, { file: 'b.test.ts', durationMs: 100 }], 2)
 */
export function planShards(files: readonly TimedFile[], count: number): Shard[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`shard count must be a positive integer, got ${count}`)
  }
  const seen = new Set<string>()
  for (const { file, durationMs } of files) {
    if (seen.has(file)) throw new Error(`file '${file}' is listed twice`)
    seen.add(file)
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(`file '${file}' has an invalid duration: ${durationMs}`)
    }
  }
  const shards: Shard[] = Array.from({ length: count }, () => ({ files: [], predictedMs: 0 }))
  const longestFirst = [...files].sort(
    (a, b) => b.durationMs - a.durationMs || a.file.localeCompare(b.file),
  )
  for (const { file, durationMs } of longestFirst) {
    let lightest = shards[0]!
    for (const shard of shards) if (shard.predictedMs < lightest.predictedMs) lightest = shard
    lightest.files.push(file)
    lightest.predictedMs += durationMs
  }
  for (const shard of shards) shard.files.sort()
  return shards
}
