import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTimingsFile } from './read-timings-file.js'
import type { TimingsFile } from './timings-file.js'
import { formatTimingsFile, writeTimingsFile } from './write-timings-file.js'

const timings: TimingsFile = {
  version: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  wallMs: 120.5,
  workers: 2,
  busyMs: { '1': 80, '2': 40 },
  parallelEfficiency: 0.5,
  shard: { index: 1, count: 2, predictedMs: 100 },
  files: [
    {
      file: 'a.test.ts',
      importMs: 1,
      collectMs: 2,
      setupMs: 0,
      testsMs: 77,
      totalMs: 80,
      worker: 1,
    },
    {
      file: 'b.test.ts',
      importMs: 1,
      collectMs: 1,
      setupMs: 0,
      testsMs: 38,
      totalMs: 40,
      worker: 2,
    },
  ],
  tests: [
    {
      file: 'a.test.ts',
      name: 'suite > says "hi"\nand more',
      durationMs: 77,
      state: 'passed',
      retries: 1,
      flaky: true,
      split: { setupMs: 1, bodyMs: 75, teardownMs: 1 },
      attempts: [
        { durationMs: 30, state: 'failed' },
        { durationMs: 47, state: 'passed' },
      ],
    },
  ],
}

describe('formatTimingsFile', () => {
  it('writes JSON that reads back to the same timings', () => {
    expect(JSON.parse(formatTimingsFile(timings))).toEqual(timings)
  })

  it('puts the run on the first line and each file and test on a line of its own', () => {
    const lines = formatTimingsFile(timings).trimEnd().split('\n')
    expect(lines[0]).toMatch(/^\{"version":1,"createdAt":.*"shard":\{.*\},$/)
    expect(lines.filter((l) => l.startsWith('{"file":"a.test.ts"'))).toHaveLength(2)
    expect(lines.filter((l) => l.startsWith('{"file":"b.test.ts"'))).toHaveLength(1)
    expect(lines.at(-1)).toBe(']}')
  })

  it('writes empty lists of files and tests as []', () => {
    const empty = { ...timings, files: [], tests: [] }
    const text = formatTimingsFile(empty)
    expect(text).toContain('"files":[],\n"tests":[]}')
    expect(JSON.parse(text)).toEqual(empty)
  })
})

describe('writeTimingsFile', () => {
  it('creates the folder and writes a file that readTimingsFile reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'timings-'))
    try {
      const path = join(dir, 'nested', 'deeper', 'timings.json')
      writeTimingsFile(path, timings)
      expect(await readTimingsFile(path)).toEqual(timings)
      expect(await readFile(path, 'utf8')).toMatch(/\]\}\n$/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
