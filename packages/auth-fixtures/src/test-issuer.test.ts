import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { generateTestKey } from './test-key.js'
import { startTestIssuer, type TestIssuer } from './test-issuer.js'
import { createTokenFactory } from './token-factory.js'

describe('startTestIssuer', () => {
  let issuer: TestIssuer | undefined
  afterEach(async () => {
    await issuer?.stop()
    issuer = undefined
  })

  it('serves a discovery document whose jwks_uri createRemoteJWKSet accepts', async () => {
    const key = await generateTestKey('RS256')
    issuer = await startTestIssuer({ keys: [key] })
    const discovery = (await (await fetch(issuer.discoveryUrl)).json()) as Record<string, unknown>
    expect(discovery).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    })
    const token = await createTokenFactory({ key, issuer: issuer.issuer, audience: 'api' }).sign({
      id: 'u',
    })
    const jwks = createRemoteJWKSet(new URL(String(discovery.jwks_uri)))
    const { payload } = await jwtVerify(token, jwks, { issuer: issuer.issuer, audience: 'api' })
    expect(payload.sub).toBe('u')
  })

  it('rotates keys: a token with the new kid verifies once the new key is published', async () => {
    const [old, next] = await Promise.all([generateTestKey('ES256'), generateTestKey('ES256')])
    issuer = await startTestIssuer({ keys: [old] })
    // the app's verifier: refetches the JWKS when it meets an unknown kid (no cooldown in tests)
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri), { cooldownDuration: 0 })
    const sign = (key: typeof old) =>
      createTokenFactory({ key, issuer: issuer!.issuer }).sign({ id: 'u' })
    await expect(jwtVerify(await sign(old), jwks)).resolves.toBeTruthy()
    await expect(jwtVerify(await sign(next), jwks)).rejects.toThrow(
      'no applicable key found in the JSON Web Key Set',
    )
    issuer.setKeys([old, next])
    await expect(jwtVerify(await sign(next), jwks)).resolves.toBeTruthy()
    await expect(jwtVerify(await sign(old), jwks)).resolves.toBeTruthy()
  })

  it('answers 404 for other paths and never publishes an HMAC secret', async () => {
    issuer = await startTestIssuer({ keys: [await generateTestKey('HS256')] })
    expect((await fetch(`${issuer.issuer}/other`)).status).toBe(404)
    expect(await (await fetch(issuer.jwksUri)).json()).toEqual({ keys: [] })
  })
})
