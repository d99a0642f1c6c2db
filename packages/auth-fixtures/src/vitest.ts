import { expect, inject, it } from 'vitest'
import type {} from './global-setup.js'
import { importTestKeySet, type TestKeySet } from './test-key-set.js'
import {
  negativeTokenCases,
  validAuthorization,
  type NegativeTokenOptions,
  type NegativeTokenResponse,
} from './negative-tokens.js'

export type {
  NegativeTokenCase,
  NegativeTokenOptions,
  NegativeTokenResponse,
} from './negative-tokens.js'

/**
 * Registers a control test (the valid token gets 2xx) and one test per negative token case,
 * `rejects <name> with 401`. Call it inside a `describe`, at collection time (keys must exist then).
 *
 * @example
 * describe('GET /me', () => {
 *   testNegativeTokens(
 *     (authorization) => app.inject({ url: '/me', headers: authorization ? { authorization } : {} }),
 *     { key, issuer: 'insights', audience: 'insights-api', typ: 'at+jwt' },
 *   )
 * })
 */
export function testNegativeTokens(
  request: (authorization: string | undefined) => Promise<NegativeTokenResponse>,
  options: NegativeTokenOptions,
  { skip = [] }: { skip?: readonly string[] } = {},
): void {
  const all = negativeTokenCases(options)
  const unknown = skip.filter((name) => !all.some((c) => c.name === name))
  if (unknown.length > 0) {
    throw new TypeError(
      `no negative token case is named ${unknown.join(', ')}; the cases are ${all.map((c) => c.name).join(', ')}`,
    )
  }
  // a case an app deliberately allows (say, no max age) is skipped by name, visibly
  const cases = all.filter((c) => !skip.includes(c.name))
  it('accepts the valid control token', async () => {
    const { statusCode } = await request(await validAuthorization(options))
    expect(
      statusCode,
      'the token every case is derived from must be accepted, or the 401s prove nothing',
    ).toBeGreaterThanOrEqual(200)
    expect(statusCode).toBeLessThan(300)
  })
  it.for(cases)('rejects $name with 401', async (negative) => {
    const { statusCode } = await request(await negative.authorization())
    expect(statusCode, `${negative.name}: ${negative.description}`).toBe(negative.expectedStatus)
  })
}

let keys: Promise<TestKeySet> | undefined

/**
 * The run's test keys, generated once by `@suitekit/auth-fixtures/global-setup` and imported once
 * per worker: no worker pays for key generation.
 */
export function testKeys(): Promise<TestKeySet> {
  keys ??= Promise.resolve().then(() => {
    const provided = inject('suitekit:auth-keys')
    if (!provided) {
      throw new Error(
        "no test keys were provided: add '@suitekit/auth-fixtures/global-setup' to test.globalSetup in the vitest config",
      )
    }
    return importTestKeySet(provided)
  })
  return keys
}
