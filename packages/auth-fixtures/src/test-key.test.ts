import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  generateTestKey,
  importTestKey,
  jwksOf,
  serializeTestKey,
  type SerializedTestKey,
  type SigningAlgorithm,
} from './test-key.js'
import { createTokenFactory } from './token-factory.js'

describe('serializeTestKey / importTestKey', () => {
  it.each<SigningAlgorithm>(['HS256', 'RS256', 'ES256', 'EdDSA'])(
    'carries a %s key through JSON, as between a globalSetup and its workers',
    async (alg) => {
      const key = await generateTestKey(alg, { kid: `k-${alg}` })
      const json = JSON.stringify(await serializeTestKey(key))
      const copy = await importTestKey(JSON.parse(json) as SerializedTestKey)
      expect(copy).toMatchObject({ alg, kid: `k-${alg}` })
      // signed with the copy, verified with the original: the same key
      const token = await createTokenFactory({ key: copy }).sign({ id: 'u' })
      await expect(jwtVerify(token, key.verificationKey)).resolves.toBeTruthy()
    },
  )
})

describe('jwksOf', () => {
  it('publishes public keys with kid, alg and use, and never an HMAC secret', async () => {
    const keys = await Promise.all([
      generateTestKey('RS256', { kid: 'a' }),
      generateTestKey('HS256'),
    ])
    const { keys: published } = jwksOf(keys)
    expect(published).toHaveLength(1)
    expect(published[0]).toMatchObject({ kty: 'RSA', kid: 'a', alg: 'RS256', use: 'sig' })
    expect(published[0]).not.toHaveProperty('d')
  })
})
