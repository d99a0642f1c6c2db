import type { FileTiming } from './timings-file.js'

/** How well the workers were used: per-slot busy time and busy / (wall x workers). */
export function parallelEfficiency(
  files: readonly FileTiming[],
  wallMs: number,
  workers: number,
): { busyMs: Record<string, number>; efficiency: number } {
  const busyMs: Record<string, number> = {}
  for (const file of files) busyMs[file.worker] = (busyMs[file.worker] ?? 0) + file.totalMs
  const busy = Object.values(busyMs).reduce((sum, ms) => sum + ms, 0)
  const efficiency = wallMs > 0 && workers > 0 ? Math.min(1, busy / (wallMs * workers)) : 0
  return { busyMs, efficiency }
}

/** A one-line hint when the run was serial or badly balanced, else undefined. */
export function efficiencyHint(
  files: readonly FileTiming[],
  workers: number,
  efficiency: number,
  cores: number,
): string | undefined {
  if (workers === 1 && cores > 1) {
    return `the run used 1 worker on a ${cores}-core machine: set test.maxWorkers to ${cores} (vitest's default is cores - 1)`
  }
  if (workers > 1 && efficiency < 0.6 && files.length > 0) {
    const slowest = files.reduce((a, b) => (b.totalMs > a.totalMs ? b : a))
    return `workers were idle ${Math.round((1 - efficiency) * 100)}% of the time; the slowest file, ${slowest.file} (${formatSeconds(slowest.totalMs)}), bounds the run: split it`
  }
  return undefined
}

/** Milliseconds as seconds with two decimals. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`
}
