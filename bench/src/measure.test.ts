import { describe, expect, it } from 'vitest'
import { formatTable, measure } from './measure.ts'

describe('measure', () => {
  it('reports the median of the timed calls only', async () => {
    let calls = 0
    const result = await measure('count', () => calls++, { iterations: 7, warmup: 3 })
    expect(calls).toBe(10)
    expect(result).toMatchObject({ name: 'count', iterations: 7 })
    expect(result.medianMs).toBeGreaterThanOrEqual(0)
    expect(result.p95Ms).toBeGreaterThanOrEqual(result.medianMs)
  })

  it('measures the time an awaited call takes', async () => {
    const result = await measure('sleep', () => new Promise((r) => setTimeout(r, 5)), {
      iterations: 3,
      warmup: 0,
    })
    expect(result.medianMs).toBeGreaterThanOrEqual(4)
  })
})

describe('formatTable', () => {
  it('aligns the columns', () => {
    const table = formatTable([
      { name: 'a', iterations: 10, medianMs: 1.5, p95Ms: 2, meanMs: 1.6 },
      { name: 'longer name', iterations: 1000, medianMs: 0.00123, p95Ms: 0.5, meanMs: 0.25 },
    ])
    expect(table.split('\n')).toEqual([
      'operation    iterations  median ms  p95 ms  mean ms',
      '-----------  ----------  ---------  ------  -------',
      'a                    10       1.50    2.00     1.60',
      'longer name        1000    0.00123  0.5000   0.2500',
    ])
  })
})
