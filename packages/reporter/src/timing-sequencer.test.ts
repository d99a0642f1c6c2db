import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestSpecification, Vitest } from 'vitest/node'
import { describe, expect, test } from 'vitest'
import TimingSequencer from './timing-sequencer.js'

interface Spec {
  moduleId: string
  project: { name: string; config: { sequence: { groupOrder: number }; isolate: boolean } }
}

const spec = (moduleId: string, project = 'app', isolate = true, groupOrder = 0): Spec => ({
  moduleId,
  project: { name: project, config: { sequence: { groupOrder }, isolate } },
})

/** The sequencer over a stand-in for vitest's cache of last run's results. */
function sequencer(results: Record<string, { failed: boolean; duration: number }>) {
  const ctx = {
    cache: { getTestSpecificationResult: (s: Spec) => results[s.moduleId] },
  } as unknown as Vitest
  const sequencer = new TimingSequencer(ctx)
  return async (specs: Spec[]) =>
    (await sequencer.sort(specs as unknown as TestSpecification[])).map((s) => s.moduleId)
}

describe('TimingSequencer.sort, in the order of vitest’s own sequencer', () => {
  test('failed last time first, then the longest', async () => {
    const sort = sequencer({
      fast: { failed: false, duration: 10 },
      slow: { failed: false, duration: 900 },
      broken: { failed: true, duration: 5 },
    })
    expect(await sort([spec('fast'), spec('slow'), spec('broken')])).toEqual([
      'broken',
      'slow',
      'fast',
    ])
  })

  test('against a file with no result, the larger file first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'suitekit-sequencer-'))
    const [small, known, large] = ['small', 'known', 'large'].map((n) => join(dir, `${n}.test.ts`))
    await writeFile(small!, 'x')
    await writeFile(known!, 'x'.repeat(500))
    await writeFile(large!, 'x'.repeat(1000))
    const sort = sequencer({ [known!]: { failed: false, duration: 50 } })
    expect(await sort([spec(known!), spec(small!), spec(large!)])).toEqual([large, known, small])
  })

  test('group order, then project, then isolated projects before shared ones', async () => {
    const sort = sequencer({
      a: { failed: false, duration: 1 },
      b: { failed: false, duration: 1 },
      c: { failed: true, duration: 1 },
      d: { failed: false, duration: 1 },
    })
    expect(
      await sort([
        spec('a', 'web', true, 1),
        spec('b', 'api'),
        spec('c', 'web'),
        spec('d', 'api', false),
      ]),
    ).toEqual(['b', 'd', 'c', 'a'])
  })
})
