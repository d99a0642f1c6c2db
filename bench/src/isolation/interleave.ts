import { performance } from 'node:perf_hooks'
import type { Measurement } from '../measure.ts'

/** One timed operation of {@link measureInterleaved}. */
export interface TimedCase {
  name: string
  /** Timed calls in all. */
  iterations: number
  run: () => Promise<unknown>
}

/** Options of {@link measureInterleaved}. */
export interface InterleaveOptions {
  /** Each case's calls are split into this many rounds, run case after case. @default 40 */
  rounds?: number
  /** Called before each round, for progress output. */
  onRound?: (round: number, rounds: number) => void
}

/**
 * Measures `cases` in interleaved rounds (A B C, A B C...) after a short untimed warm-up of each, so
 * that load from other processes drifting during the run hits every case alike. Same summary as
 * `measure()`: median, p95 and mean of one call.
 */
export async function measureInterleaved(
  cases: readonly TimedCase[],
  { rounds = 40, onRound }: InterleaveOptions = {},
): Promise<Measurement[]> {
  for (const c of cases) {
    const warmup = Math.min(10, Math.ceil(c.iterations / 10))
    for (let i = 0; i < warmup; i++) await c.run()
  }
  const samples = cases.map(() => [] as number[])
  for (let round = 0; round < rounds; round++) {
    onRound?.(round + 1, rounds)
    for (const [index, c] of cases.entries()) {
      const calls = Math.ceil(c.iterations / rounds)
      for (let i = 0; i < calls && samples[index]!.length < c.iterations; i++) {
        const start = performance.now()
        await c.run()
        samples[index]!.push(performance.now() - start)
      }
    }
  }
  return cases.map((c, index) => summarize(c.name, samples[index]!))
}

/** Median, p95 and mean of `samples` (the quantiles `measure()` uses). */
function summarize(name: string, samples: number[]): Measurement {
  samples.sort((a, b) => a - b)
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length
  return { name, iterations: samples.length, medianMs: at(0.5), p95Ms: at(0.95), meanMs: mean }
}
