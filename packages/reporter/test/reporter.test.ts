import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { TimingsFile } from '../src/timings-file.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('./fixtures/durations', import.meta.url))
const vitestBin = join(
  createRequire(import.meta.url).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
)

describe('SuitekitReporter in a vitest run', () => {
  it('prints the slowest tests above the threshold, the files and the efficiency, and writes the timings file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reporter-'))
    try {
      const timingsFile = join(dir, 'timings.json')
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')),
      )
      const { stdout } = await run(process.execPath, [vitestBin, 'run'], {
        cwd: root,
        env: { ...env, TIMINGS_FILE: timingsFile, NO_COLOR: '1' },
      })
      const report = stdout.slice(stdout.indexOf('slowest 2 test(s)'))
      const lines = report.split('\n')
      expect(lines[0]).toBe('slowest 2 test(s) at or above 0.15s:')
      // ordered slowest first; the fast and the skipped test stay out (the margins are wide:
      // a trivial first test in a cold worker can take tens of ms)
      expect(lines[2]).toMatch(/^\s+0\.\d\ds {2}slow\.test\.ts > takes about 430 ms$/)
      expect(lines[3]).toMatch(/slow\.test\.ts > takes about 230 ms$/)
      expect(report).toContain('slowest 2 file(s):')
      expect(report).toMatch(/parallel efficiency \d+%: busy worker \d .* wall x 2 worker\(s\)/)

      const timings = JSON.parse(await readFile(timingsFile, 'utf8')) as TimingsFile
      expect(timings).toMatchObject({ version: 1, workers: 2 })
      expect(timings.tests.map((t) => [t.file, t.name, t.state]).sort()).toEqual([
        ['fast.test.ts', 'is fast', 'passed'],
        ['slow.test.ts', 'is skipped', 'skipped'],
        ['slow.test.ts', 'takes about 230 ms', 'passed'],
        ['slow.test.ts', 'takes about 430 ms', 'passed'],
      ])
      const slow = timings.tests.find((t) => t.name === 'takes about 430 ms')!
      expect(slow.durationMs).toBeGreaterThanOrEqual(425) // the beforeEach counts in the total
      expect(timings.files.map((f) => f.file).sort()).toEqual(['fast.test.ts', 'slow.test.ts'])
      expect(timings.parallelEfficiency).toBeGreaterThan(0)
      expect(timings.parallelEfficiency).toBeLessThanOrEqual(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
