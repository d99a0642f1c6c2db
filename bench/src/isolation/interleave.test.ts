import { describe, expect, it } from 'vitest'
import { measureInterleaved } from './interleave.ts'
import { textTable } from './text-table.ts'

describe('measureInterleaved', () => {
  it('times each case its number of calls, in interleaved rounds after a warm-up', async () => {
    const order: string[] = []
    const rows = await measureInterleaved(
      [
        { name: 'a', iterations: 4, run: () => Promise.resolve(order.push('a')) },
        { name: 'b', iterations: 2, run: () => Promise.resolve(order.push('b')) },
      ],
      { rounds: 2 },
    )
    expect(rows.map((r) => [r.name, r.iterations])).toEqual([
      ['a', 4],
      ['b', 2],
    ])
    // warm-up (1 call each), then round 1: a a b, round 2: a a b
    expect(order.join('')).toBe('abaabaab')
    expect(rows[0]!.p95Ms).toBeGreaterThanOrEqual(rows[0]!.medianMs)
  })
})

describe('textTable', () => {
  it('left-aligns the first column and right-aligns the others', () => {
    expect(
      textTable(
        ['name', 'ms'],
        [
          ['a', '1.5'],
          ['longer', '10.25'],
        ],
      ).split('\n'),
    ).toEqual(['name       ms', '------  -----', 'a         1.5', 'longer  10.25'])
  })
})
