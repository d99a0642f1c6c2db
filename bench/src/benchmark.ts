/** What a benchmark returns: a human-readable table and the figures for the JSON line. */
export interface BenchmarkResult {
  table: string
  figures: Record<string, number>
}

/** A named benchmark that `pnpm bench <name>` runs. */
export interface Benchmark {
  /** One line shown by `pnpm bench --list`. */
  description: string
  run(): Promise<BenchmarkResult>
}
