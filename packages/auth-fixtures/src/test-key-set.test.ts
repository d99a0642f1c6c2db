import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { generateTestKeySet, importTestKeySet, serializeTestKeySet } from './test-key-set.js'
import type { SerializedTestKey, TestKey } from './test-key.js'
import { createTokenFactory } from './token-factory.js'

describe('generateTestKeySet', () => {
  it('makes one key per algorithm and a second RS256 key with another kid', async () => {
    const set = await generateTestKeySet()
    const keys: TestKey[] = [set.HS256, set.RS256, set.ES256, set.EdDSA, set.RS256Next]
    expect(keys.map((k) => [k.alg, k.kid])).toEqual([
      ['HS256', 'suitekit-hs256'],
      ['RS256', 'suitekit-rs256'],
      ['ES256', 'suitekit-es256'],
      ['EdDSA', 'suitekit-eddsa'],
      ['RS256', 'suitekit-rs256next'],
    ])
  })

  it('survives the JSON trip from a globalSetup to a worker', async () => {
    const set = await generateTestKeySet()
    const json = JSON.stringify(await serializeTestKeySet(set))
    const copy = await importTestKeySet(JSON.parse(json) as Record<string, SerializedTestKey>)
    const token = await createTokenFactory({ key: copy.EdDSA }).sign({ id: 'u' })
    await expect(jwtVerify(token, set.EdDSA.verificationKey)).resolves.toBeTruthy()
  })
})
