import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { generateTestKey } from './test-key.js'
import { createTokenFactory } from './token-factory.js'
import { testKeys, testNegativeTokens } from './vitest.js'

describe('testKeys', () => {
  it('imports the keys the global setup generated, once per worker', async () => {
    const [first, again] = await Promise.all([testKeys(), testKeys()])
    expect(again).toBe(first)
    expect(first.ES256.kid).toBe('suitekit-es256')
    const token = await createTokenFactory({ key: first.ES256 }).sign({ id: 'u' })
    await expect(jwtVerify(token, first.ES256.verificationKey)).resolves.toBeTruthy()
  })
})

describe('testNegativeTokens', () => {
  it('refuses to skip a case that does not exist, naming the real ones', async () => {
    const key = await generateTestKey('HS256')
    expect(() =>
      testNegativeTokens(
        () => Promise.resolve({ statusCode: 401 }),
        { key, issuer: 'i', audience: 'a' },
        { skip: ['expird'] },
      ),
    ).toThrow(/^no negative token case is named expird; the cases are missing-authorization, /)
  })
})
