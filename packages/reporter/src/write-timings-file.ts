import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { TimingsFile } from './timings-file.js'

/**
 * Writes a timings file (creating its folder): one JSON object per file and per test, one per
 * line, so that the file greps and diffs well and stays about 40 % smaller than indented JSON.
 * Synchronous: it runs once, at the end of a run, when nothing else is waiting.
 */
export function writeTimingsFile(path: string, timings: TimingsFile): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, formatTimingsFile(timings))
}

/** The text of a timings file: the run's fields on the first line, then a line per file and test. */
export function formatTimingsFile(timings: TimingsFile): string {
  const { files, tests, ...run } = timings
  // `run` always has fields (version, createdAt, ...): its JSON ends in '}', replaced by the lists
  return `${JSON.stringify(run).slice(0, -1)},\n"files":${lines(files)},\n"tests":${lines(tests)}}\n`
}

function lines(items: readonly object[]): string {
  if (items.length === 0) return '[]'
  return `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`
}
