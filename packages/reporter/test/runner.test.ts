import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimingsFile } from '../src/timings-file.js'
import { readTimings, runFixture, testNamed } from './run-fixture.js'

const root = fileURLToPath(new URL('./fixtures/phases', import.meta.url))

let dir: string
let timings: TimingsFile

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-'))
  const result = await runFixture(root, [], { TIMINGS_FILE: join(dir, 'timings.json') })
  if (result.code !== 0)
    throw new Error(`the fixture run failed:\n${result.stdout}\n${result.stderr}`)
  timings = await readTimings(join(dir, 'timings.json'))
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('TimingRunner', () => {
  it('counts aroundEach before the test as setup and after it as teardown, adding up to the total', () => {
    // aroundEach 150 ms | body 100 ms | aroundEach 120 ms
    const { split, durationMs } = testNamed(timings, 'is wrapped by aroundEach')
    expect(split!.setupMs).toBeGreaterThanOrEqual(145)
    expect(split!.bodyMs).toBeGreaterThanOrEqual(95)
    expect(split!.bodyMs).toBeLessThan(245)
    expect(split!.teardownMs).toBeGreaterThanOrEqual(115)
    const sum = split!.setupMs + split!.bodyMs + split!.teardownMs
    expect(Math.abs(sum - durationMs)).toBeLessThan(20)
  })

  it('splits concurrent tests each on its own, though their phases overlap', () => {
    // each: fixture 200 ms, then a body of 100 or 300 ms, side by side
    const short = testNamed(timings, 'side by side > has a 100 ms body')
    const long = testNamed(timings, 'side by side > has a 300 ms body')
    for (const { split } of [short, long]) {
      expect(split!.setupMs).toBeGreaterThanOrEqual(195)
      expect(split!.setupMs).toBeLessThan(295)
    }
    expect(short.split!.bodyMs).toBeGreaterThanOrEqual(95)
    expect(short.split!.bodyMs).toBeLessThan(195)
    expect(long.split!.bodyMs).toBeGreaterThanOrEqual(295)
    expect(long.split!.bodyMs).toBeLessThan(395)
    // they did run side by side: the file took less than the two tests one after the other
    const file = timings.files.find((f) => f.file === 'concurrent.test.ts')!
    expect(file.testsMs).toBeLessThan(short.durationMs + long.durationMs)
  })
})
