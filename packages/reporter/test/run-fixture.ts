import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { TestTiming, TimingsFile } from '../src/timings-file.js'

const run = promisify(execFile)
const vitestBin = join(
  createRequire(import.meta.url).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
)

/** The outcome of one fixture run. */
export interface FixtureRun {
  stdout: string
  stderr: string
  code: number
}

/** One vitest run of a fixture project in a child process; never throws on a failed run. */
export async function runFixture(
  root: string,
  args: string[],
  env: Record<string, string>,
): Promise<FixtureRun> {
  // the fixture run must not think it is a worker of this run, nor write this run's summary
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_STEP_SUMMARY',
    ),
  )
  try {
    const { stdout, stderr } = await run(process.execPath, [vitestBin, 'run', ...args], {
      cwd: root,
      env: { ...clean, NO_COLOR: '1', ...env },
    })
    return { stdout, stderr, code: 0 }
  } catch (error) {
    const { stdout, stderr, code } = error as FixtureRun
    return { stdout, stderr, code }
  }
}

export async function readTimings(path: string): Promise<TimingsFile> {
  return JSON.parse(await readFile(path, 'utf8')) as TimingsFile
}

export function testNamed(timings: TimingsFile, name: string): TestTiming {
  const test = timings.tests.find((t) => t.name === name)
  if (!test) throw new Error(`no test '${name}' in the timings`)
  return test
}
