#!/usr/bin/env node
// suitekit-timings merge <shard files...> [-o <out>]
// suitekit-timings compare <current> <baseline> [--relative-pct 20] [--absolute-ms 100] [--threshold-ms 1000] [--fail-on-regression]
import { parseArgs } from 'node:util'
import { compareTimings } from './compare-timings.js'
import { formatPct } from './durations-report.js'
import { mergeTimings } from './merge-timings.js'
import { formatSeconds } from './parallel-efficiency.js'
import { DEFAULT_TIMINGS_FILE, readTimingsFile } from './read-timings-file.js'
import type { TimingsFile } from './timings-file.js'
import { writeTimingsFile } from './write-timings-file.js'

const usage = `usage:
  suitekit-timings merge <shard timings files...> [-o <out.json>]   (default out: ${DEFAULT_TIMINGS_FILE})
  suitekit-timings compare <current.json> <baseline.json> [--relative-pct 20] [--absolute-ms 100] [--threshold-ms 1000] [--fail-on-regression]`

try {
  const [command, ...rest] = process.argv.slice(2)
  if (command === 'merge') await merge(rest)
  else if (command === 'compare') await compare(rest)
  else throw new Error(command ? `unknown command '${command}'` : 'give a command')
} catch (error) {
  process.stderr.write(
    `suitekit-timings: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`,
  )
  process.exit(2)
}

async function merge(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string', short: 'o' } },
    allowPositionals: true,
  })
  if (positionals.length === 0) throw new Error('give the timings files of the shards to merge')
  const parts = await Promise.all(positionals.map(read))
  const { timings, actualImbalance, predictedImbalance } = mergeTimings(parts)
  const out = values.out ?? DEFAULT_TIMINGS_FILE
  writeTimingsFile(out, timings)
  const walls = (timings.shards ?? []).map((s) => formatSeconds(s.wallMs)).join(' ')
  process.stdout.write(
    `merged ${parts.length} file(s) into ${out}: ${timings.files.length} test files, ${timings.tests.length} tests` +
      (walls ? `; shard wall times ${walls}` : '') +
      (actualImbalance !== undefined
        ? `; imbalance ${actualImbalance.toFixed(2)} as run (longest / mean)` +
          (predictedImbalance !== undefined ? `, ${predictedImbalance.toFixed(2)} predicted` : '')
        : '') +
      '\n',
  )
}

async function compare(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'relative-pct': { type: 'string' },
      'absolute-ms': { type: 'string' },
      'threshold-ms': { type: 'string' },
      'fail-on-regression': { type: 'boolean' },
    },
    allowPositionals: true,
  })
  if (positionals.length !== 2) throw new Error('give the current and the baseline timings file')
  const [current, baseline] = await Promise.all(positionals.map(read))
  const number = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${name} must be a number >= 0, got '${value}'`)
    return n
  }
  const result = compareTimings(current!, baseline!, {
    relativePct: number('relative-pct', values['relative-pct']),
    absoluteMs: number('absolute-ms', values['absolute-ms']),
    thresholdMs: number('threshold-ms', values['threshold-ms']),
  })
  const { suite, newSlow, regressions, improvements } = result
  const lines = [
    `suite ${formatSeconds(suite.baselineMs)} -> ${formatSeconds(suite.currentMs)} of busy time (${formatPct(suite.changePct)})`,
    `${newSlow.length} new slow test(s), ${regressions.length} regression(s), ${improvements.length} improvement(s)`,
    ...newSlow.map((t) => `new slow    ${formatSeconds(t.durationMs)}  ${t.file} > ${t.name}`),
    ...regressions.map(
      (r) =>
        `regression  ${formatSeconds(r.baselineMs)} -> ${formatSeconds(r.currentMs)} (${formatPct(r.changePct)})  ${r.file} > ${r.name}`,
    ),
    ...improvements.map(
      (r) =>
        `improvement ${formatSeconds(r.baselineMs)} -> ${formatSeconds(r.currentMs)} (${formatPct(r.changePct)})  ${r.file} > ${r.name}`,
    ),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (values['fail-on-regression'] && (regressions.length > 0 || newSlow.length > 0))
    process.exitCode = 1
}

async function read(path: string): Promise<TimingsFile> {
  const timings = await readTimingsFile(path)
  if (!timings) throw new Error(`no timings file at ${path}`)
  return timings
}
