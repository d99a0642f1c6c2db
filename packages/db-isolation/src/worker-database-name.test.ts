import { afterEach, describe, expect, it, vi } from 'vitest'
import { workerDatabaseName } from './worker-database-name.js'

describe('workerDatabaseName', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('appends the worker id to the template name', () => {
    expect(workerDatabaseName('app_test', '2')).toBe('app_test_w2')
  })

  it('reads the worker id from VITEST_POOL_ID by default', () => {
    expect(workerDatabaseName('app_test')).toBe(`app_test_w${process.env.VITEST_POOL_ID}`)
  })

  it('explains what to do when it runs outside vitest', () => {
    vi.stubEnv('VITEST_POOL_ID', undefined)
    expect(() => workerDatabaseName('app_test')).toThrow(
      'worker id undefined is not a positive integer: run under vitest (which sets VITEST_POOL_ID) or pass the id',
    )
  })

  it.each([
    ['App', '1', "database name 'App' must be lower-case"],
    ['1app', '1', "database name '1app' must be lower-case"],
    ['app; drop', '1', 'must be lower-case'],
    ['app', '0', 'worker id "0" is not a positive integer'],
    ['a'.repeat(60), '12', "longer than PostgreSQL's 63-byte limit"],
  ])('rejects template %j with worker id %j', (template, poolId, message) => {
    expect(() => workerDatabaseName(template, poolId)).toThrow(message)
  })
})
