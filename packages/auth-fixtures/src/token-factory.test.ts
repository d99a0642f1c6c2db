import { jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTokenFactory } from './token-factory.js'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const verifyOptions = { issuer: 'insights', audience: 'insights-api', algorithms: ['HS256'] }

describe('createTokenFactory', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('mints tokens that jwtVerify accepts with the app settings', async () => {
    const tokens = createTokenFactory({ secret, issuer: 'insights', audience: 'insights-api' })
    const { payload, protectedHeader } = await jwtVerify(
      await tokens.sign({ id: 'user-1', role: 'admin' }),
      new TextEncoder().encode(secret),
      verifyOptions,
    )
    expect(protectedHeader.alg).toBe('HS256')
    expect(payload).toMatchObject({
      sub: 'user-1',
      role: 'admin',
      iss: 'insights',
      aud: 'insights-api',
    })
    expect(payload.exp! - payload.iat!).toBe(3600)
  })

  it('returns a Bearer authorization header', async () => {
    const tokens = createTokenFactory({ secret })
    const { authorization } = await tokens.headersFor({ id: 'user-1' })
    expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('mints tokens a verifier with another secret rejects', async () => {
    const tokens = createTokenFactory({ secret })
    const other = new TextEncoder().encode(`${secret}-but-another-one`)
    await expect(jwtVerify(await tokens.sign({ id: 'u' }), other)).rejects.toThrow(
      'signature verification failed',
    )
  })

  it('rejects a secret shorter than 32 bytes', () => {
    expect(() => createTokenFactory({ secret: 'short' })).toThrow('HS256 secret is 5 bytes')
  })

  it('refuses to run when NODE_ENV=production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => createTokenFactory({ secret })).toThrow(
      'refuses to mint tokens when NODE_ENV=production',
    )
  })
})
