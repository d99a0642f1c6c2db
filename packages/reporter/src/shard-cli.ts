#!/usr/bin/env node
// suitekit-shard --timings <timings.json> --shard <i>/<n> <test files...>
// Prints the test files of shard i of n, one per line, balanced by recorded time.
import { parseArgs } from 'node:util'
import { planShardsFromTimings } from './shard-plan.js'
import { readTimingsFile } from './read-timings-file.js'

const usage = 'usage: suitekit-shard --timings <timings.json> --shard <i>/<n> <test files...>'

try {
  const { values, positionals } = parseArgs({
    options: { timings: { type: 'string' }, shard: { type: 'string' } },
    allowPositionals: true,
  })
  const match = /^(\d+)\/(\d+)$/.exec(values.shard ?? '')
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || index < 1 || index > count)
    throw new Error(`--shard must be i/n with 1 <= i <= n, got '${values.shard ?? ''}'`)
  if (positionals.length === 0)
    throw new Error('give the test files to split (e.g. from `vitest list --filesOnly`)')
  const timings = values.timings ? await readTimingsFile(values.timings) : undefined
  if (values.timings && !timings)
    process.stderr.write(
      `suitekit-shard: no timings at ${values.timings}; every file is estimated alike\n`,
    )
  const plan = planShardsFromTimings(positionals, timings, count)
  const shard = plan.shards[index - 1]!
  process.stdout.write(shard.files.map((file) => `${file}\n`).join(''))
  process.stderr.write(
    `shard ${index}/${count}: ${shard.files.length} file(s), predicted ${(shard.predictedMs / 1000).toFixed(1)}s; ` +
      `plan imbalance ${plan.predictedImbalance.toFixed(2)} (longest / mean)` +
      (plan.estimated.length > 0
        ? `; ${plan.estimated.length} file(s) without a recorded time were estimated`
        : '') +
      '\n',
  )
} catch (error) {
  process.stderr.write(
    `suitekit-shard: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`,
  )
  process.exit(2)
}
