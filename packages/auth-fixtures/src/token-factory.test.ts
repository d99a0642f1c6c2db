import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateTestKey, hmacTestKey, jwksOf, type SigningAlgorithm } from './test-key.js'
import { createTokenFactory } from './token-factory.js'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const appSettings = { issuer: 'insights', audience: 'insights-api' }

describe('createTokenFactory', () => {
  afterEach(() => vi.unstubAllEnvs())

  it.each<SigningAlgorithm>(['HS256', 'RS256', 'ES256', 'EdDSA'])(
    'mints %s tokens that jose jwtVerify accepts with the app settings',
    async (alg) => {
      const key = await generateTestKey(alg)
      const tokens = createTokenFactory({ key, ...appSettings })
      const token = await tokens.sign({ id: 'user-1', role: 'admin' })
      // the app verifies asymmetric tokens against its JWKS, HMAC ones against the secret
      const verifyKey = key.publicJwk ? createLocalJWKSet(jwksOf([key])) : key.verificationKey
      const { payload, protectedHeader } = await jwtVerify(token, verifyKey as Uint8Array, {
        ...appSettings,
        algorithms: [alg],
        typ: 'JWT',
      })
      expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: key.kid })
      expect(payload).toMatchObject({
        sub: 'user-1',
        role: 'admin',
        ...{ iss: 'insights', aud: 'insights-api' },
      })
      expect(payload.exp! - payload.iat!).toBe(3600)
    },
  )

  it('signs with the HS256 secret the app is configured with', async () => {
    const token = await createTokenFactory({ secret, ...appSettings }).sign({ id: 'u' })
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), appSettings)
    expect(payload.sub).toBe('u')
  })

  it('mints tokens a verifier with another key rejects', async () => {
    const tokens = createTokenFactory({ key: await generateTestKey('ES256') })
    const other = await generateTestKey('ES256')
    await expect(jwtVerify(await tokens.sign({ id: 'u' }), other.verificationKey)).rejects.toThrow(
      'signature verification failed',
    )
  })

  it('sets the typ header and default claims the app asks for', async () => {
    const tokens = createTokenFactory({ secret, typ: 'at+jwt', claims: { scope: 'read' } })
    const token = await tokens.sign({ id: 'u', scope: 'write' })
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt')
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { typ: 'at+jwt' })
    expect(payload.scope).toBe('write')
  })

  it('mints at a pinned time, so expiry is tested without sleeping', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const tokens = createTokenFactory({ secret, expiresInSeconds: 60, now: () => now })
    const token = await tokens.sign({ id: 'u' })
    const key = new TextEncoder().encode(secret)
    await expect(
      jwtVerify(token, key, { currentDate: new Date('2026-01-01T00:00:59Z') }),
    ).resolves.toBeTruthy()
    await expect(
      jwtVerify(token, key, { currentDate: new Date('2026-01-01T00:01:00Z') }),
    ).rejects.toThrow('"exp" claim timestamp check failed')
    now = new Date('2026-01-02T00:00:00Z')
    expect(
      (await jwtVerify(await tokens.sign({ id: 'u' }), key, { currentDate: now })).payload.iat,
    ).toBe(now.getTime() / 1000)
  })

  it('reuses headers per subject and claim set, and mints anew for other claims or near expiry', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const tokens = createTokenFactory({ secret, expiresInSeconds: 600, now: () => now })
    const first = await tokens.headersFor({ id: 'u', role: 'admin' })
    expect(await tokens.headersFor({ id: 'u', role: 'admin' })).toBe(first)
    expect(await tokens.headersFor({ id: 'u', role: 'viewer' })).not.toEqual(first)
    now = new Date('2026-01-01T00:09:30Z') // within a minute of expiry: a fresh token
    const later = await tokens.headersFor({ id: 'u', role: 'admin' })
    expect(later).not.toEqual(first)
    expect(later.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it.each([
    [{}, 'give the `key` the app verifies with (or its HS256 `secret`)'],
    [{ secret: 'short' }, 'HS256 secret is 5 bytes'],
    [{ secret, key: hmacTestKey(secret) }, 'give either `key` or `secret`, not both'],
  ])('rejects the options %j', (options, message) => {
    expect(() => createTokenFactory(options)).toThrow(message)
  })

  it('refuses to run when NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => createTokenFactory({ secret })).toThrow(
      'refuses to mint tokens when NODE_ENV=production',
    )
    await expect(generateTestKey('ES256')).rejects.toThrow(
      'refuses to generate test keys when NODE_ENV=production',
    )
  })
})
