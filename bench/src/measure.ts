import { performance } from 'node:perf_hooks'

/** Timing summary of one measured operation, in milliseconds. */
export interface Measurement {
  name: string
  iterations: number
  medianMs: number
  p95Ms: number
  meanMs: number
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Timed calls. @default 200 */
  iterations?: number
  /** Untimed calls first, to warm up the JIT and caches. @default 20 */
  warmup?: number
}

/** Runs `fn` repeatedly and returns the median, p95 and mean duration of one call. */
export async function measure(
  name: string,
  fn: () => unknown,
  { iterations = 200, warmup = 20 }: MeasureOptions = {},
): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!
  return {
    name,
    iterations,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    meanMs: samples.reduce((sum, s) => sum + s, 0) / samples.length,
  }
}

/** Writes a progress line to stderr, so stdout keeps only the table and the JSON line. */
export function progress(message: string): void {
  process.stderr.write(`… ${message}\n`)
}

/** Formats measurements as an aligned table. */
export function formatTable(rows: readonly Measurement[]): string {
  const header = ['operation', 'iterations', 'median ms', 'p95 ms', 'mean ms']
  const cells = rows.map((r) => [
    r.name,
    String(r.iterations),
    formatMs(r.medianMs),
    formatMs(r.p95Ms),
    formatMs(r.meanMs),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

/** Milliseconds with enough digits for sub-microsecond costs. */
export function formatMs(ms: number): string {
  return ms < 0.01 ? ms.toFixed(5) : ms < 1 ? ms.toFixed(4) : ms.toFixed(2)
}
