import { resolve } from 'node:path'
import { PASSWORD_HASHES, TEST_PASSWORDS } from '@suitekit/auth-fixtures'
import { decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAccessTokens, InvalidTokenError } from '../src/auth/access-tokens.ts'
import { hashPassword, passwordMatches } from '../src/auth/passwords.ts'
import {
  hashProjectToken,
  newProjectToken,
  PROJECT_TOKEN_PREFIX,
} from '../src/auth/project-tokens.ts'
import { loadConfig } from '../src/config.ts'
import { ApiError } from '../src/http/api-error.ts'
import { slugOf } from '../src/routes/project-routes.ts'
import { TEST_CONFIG } from './support/test-config.ts'

describe('loadConfig', { tags: ['unit'] }, () => {
  it('gives the laptop defaults for an empty environment', () => {
    const config = loadConfig({})
    const { secret, ...auth } = config.auth
    expect({ ...config, auth }).toEqual({
      host: '127.0.0.1',
      port: 3000,
      databaseFile: resolve('data/insights.sqlite'),
      databaseUrl: undefined,
      auth: {
        issuer: 'insights',
        audience: 'insights-api',
        tokenTtlSeconds: 3600,
      },
      uploadLimitBytes: 10 * 1024 * 1024,
      retentionDays: 90,
      stuckUploadMinutes: 15,
      seedDemo: true,
    })
    // without JWT_SECRET: a random secret of 32 bytes, another one per process
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32)
    expect(loadConfig({}).auth.secret).not.toBe(secret)
  })

  it('reads the environment', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_FILE: '/var/lib/insights/db.sqlite',
      DATABASE_URL: 'postgres://insights@db/insights',
      JWT_SECRET: 's'.repeat(32),
      TOKEN_TTL_SECONDS: '600',
      UPLOAD_LIMIT_BYTES: '2048',
      RETENTION_DAYS: '7',
      STUCK_UPLOAD_MINUTES: '5',
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      databaseFile: '/var/lib/insights/db.sqlite',
      databaseUrl: 'postgres://insights@db/insights',
      auth: { secret: 's'.repeat(32), tokenTtlSeconds: 600 },
      uploadLimitBytes: 2048,
      retentionDays: 7,
      stuckUploadMinutes: 5,
      seedDemo: false,
    })
  })

  it('accepts the bounds of PORT and RETENTION_DAYS, and an empty value as unset', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0)
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535)
    expect(loadConfig({ PORT: '' }).port).toBe(3000)
    expect(loadConfig({ RETENTION_DAYS: '1' }).retentionDays).toBe(1)
    expect(loadConfig({ RETENTION_DAYS: '36500' }).retentionDays).toBe(36_500)
  })

  it.each([
    ['PORT', '65536', 0, 65_535],
    ['PORT', '-1', 0, 65_535],
    ['PORT', '80.5', 0, 65_535],
    ['PORT', 'eighty', 0, 65_535],
    ['PORT', '0x50', 0, 65_535],
    ['PORT', '1e3', 0, 65_535],
    ['PORT', ' ', 0, 65_535],
    ['RETENTION_DAYS', '0', 1, 36_500],
    ['RETENTION_DAYS', '36501', 1, 36_500],
    ['RETENTION_DAYS', '1.5', 1, 36_500],
    ['RETENTION_DAYS', 'a week', 1, 36_500],
  ])('refuses %s=%s with a RangeError naming it', (name, value, min, max) => {
    expect(() => loadConfig({ [name]: value })).toThrow(RangeError)
    expect(() => loadConfig({ [name]: value })).toThrow(
      `${name} must be an integer from ${min} to ${max}, got '${value}'`,
    )
  })

  it('refuses a JWT_SECRET shorter than 32 bytes, counting bytes rather than characters', () => {
    expect(() => loadConfig({ JWT_SECRET: 'too-short' })).toThrow(RangeError)
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET.*32 bytes/)
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).auth.secret).toBe('x'.repeat(32))
    // 16 characters, 32 bytes in UTF-8
    expect(loadConfig({ JWT_SECRET: 'é'.repeat(16) }).auth.secret).toBe('é'.repeat(16))
    // 16 characters, 31 bytes
    expect(() => loadConfig({ JWT_SECRET: `${'é'.repeat(15)}x` })).toThrow(/JWT_SECRET/)
  })

  it('seeds the demo by default only without DATABASE_URL', () => {
    expect(loadConfig({}).seedDemo).toBe(true)
    expect(loadConfig({ DATABASE_URL: '' }).seedDemo).toBe(true)
    expect(loadConfig({ DATABASE_URL: 'postgres://db/insights' }).seedDemo).toBe(false)
    expect(loadConfig({ DATABASE_URL: 'postgres://db/insights', SEED_DEMO: 'true' }).seedDemo).toBe(
      true,
    )
    expect(loadConfig({ SEED_DEMO: '0' }).seedDemo).toBe(false)
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false)
    expect(() => loadConfig({ SEED_DEMO: 'yes' })).toThrow(
      "SEED_DEMO must be true or false, got 'yes'",
    )
  })
})

describe('slugOf', { tags: ['unit'] }, () => {
  it.each([
    ['My Service API', 'my-service-api'],
    ['  --Payments__Backend!!  ', 'payments-backend'],
    ['v2.0 (beta)', 'v2-0-beta'],
    ['Café', 'cafe'],
    ['ﬁle Ｔｅｓｔｓ', 'file-tests'],
    ['Crème Brûlée', 'creme-brulee'],
    ['Ünïcödé Tests', 'unicode-tests'],
  ])('%j → %j', (name, slug) => {
    expect(slugOf(name)).toBe(slug)
  })

  it('keeps at most 100 characters, without a trailing dash', () => {
    expect(slugOf('a'.repeat(150))).toBe('a'.repeat(100))
    // cut at 100 right after a dash: the dash goes too
    expect(slugOf(`${'a'.repeat(99)} b`)).toBe('a'.repeat(99))
  })

  it('refuses a name without letters or digits with a 400 on body.slug', () => {
    let thrown: unknown
    try {
      slugOf('!!! ???')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ApiError)
    expect(thrown).toMatchObject({
      statusCode: 400,
      code: 'invalid_request',
      issues: [
        { field: 'body.slug', reason: 'is required when the name has no letters or digits' },
      ],
    })
  })
})

describe('project tokens', { tags: ['unit'] }, () => {
  it('makes a new random skp_ token each time, stored as its SHA-256', () => {
    const first = newProjectToken()
    const second = newProjectToken()
    expect(PROJECT_TOKEN_PREFIX).toBe('skp_')
    for (const { token, tokenHash, prefix } of [first, second]) {
      expect(token).toMatch(/^skp_[\w-]{32}$/) // 24 random bytes, base64url
      expect(prefix).toBe(token.slice(0, 12))
      expect(prefix.startsWith('skp_')).toBe(true)
      expect(tokenHash).toMatch(/^[0-9a-f]{64}$/)
      expect(tokenHash).toBe(hashProjectToken(token))
    }
    expect(second.token).not.toBe(first.token)
    expect(second.tokenHash).not.toBe(first.tokenHash)
  })

  it('hashes with SHA-256, hex', () => {
    // the FIPS 180-2 test vector
    expect(hashProjectToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})

describe('access tokens', { tags: ['unit', 'security'] }, () => {
  const config = TEST_CONFIG.auth
  const tokens = createAccessTokens(config)
  const userId = '6f1c1d0e-0b8a-4c1e-9d6b-2f7a4b1e3c5d'
  const key = (secret: string) => new TextEncoder().encode(secret)
  const now = () => Math.floor(Date.now() / 1000)

  /** A token like the ones `issue` makes, with what a case changes. */
  function signed({
    secret = config.secret,
    alg = 'HS256',
    typ = 'at+jwt',
    audience = config.audience,
    iat = now(),
    exp = now() + 600,
  }: {
    secret?: string
    alg?: string
    typ?: string
    audience?: string
    iat?: number
    exp?: number
  } = {}) {
    return new SignJWT({})
      .setProtectedHeader({ alg, typ })
      .setSubject(userId)
      .setIssuer(config.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key(secret))
  }

  async function rejection(token: string): Promise<unknown> {
    try {
      await tokens.verify(token)
    } catch (error) {
      return error
    }
    throw new Error('the token was accepted')
  }

  it('verifies the tokens it issues, giving back the user id', async () => {
    const { token, expiresInSeconds } = await tokens.issue(userId)
    expect(expiresInSeconds).toBe(3600)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' })
    expect(await tokens.verify(token)).toBe(userId)
    // and one made the same way elsewhere
    expect(await tokens.verify(await signed())).toBe(userId)
  })

  it.each([
    [
      'signed with another secret',
      () => signed({ secret: 'another-secret-of-at-least-32-bytes!!' }),
      "the token's signature does not match",
    ],
    ['expired', () => signed({ iat: now() - 7200, exp: now() - 3600 }), 'the token has expired'],
    [
      'for another audience',
      () => signed({ audience: 'another-api' }),
      `the token's "aud" claim is not valid`,
    ],
    ['not an access token', () => signed({ typ: 'JWT' }), `the token's "typ" claim is not valid`],
    ['signed with HS512', () => signed({ alg: 'HS512' }), "the token's algorithm is not accepted"],
    ['not a JWT', () => Promise.resolve('not-a-jwt'), 'the token is not a valid access token'],
  ])('refuses a token %s with a readable InvalidTokenError', async (_case, make, message) => {
    const error = await rejection(await make())
    expect(error).toBeInstanceOf(InvalidTokenError)
    expect(error).toMatchObject({ name: 'InvalidTokenError', message })
  })
})

describe('passwordMatches', { tags: ['unit', 'security'] }, () => {
  it('is true for the right password only', async () => {
    const hash = PASSWORD_HASHES.admin.argon2id
    expect(await passwordMatches(hash, TEST_PASSWORDS.admin)).toBe(true)
    expect(await passwordMatches(hash, TEST_PASSWORDS.member)).toBe(false)
    expect(await passwordMatches(hash, '')).toBe(false)
    expect(await passwordMatches(PASSWORD_HASHES.unicode.argon2id, TEST_PASSWORDS.unicode)).toBe(
      true,
    )
  })

  it('is false for an unknown user (no hash), whatever the password', async () => {
    expect(await passwordMatches(undefined, TEST_PASSWORDS.admin)).toBe(false)
    expect(await passwordMatches(undefined, 'an unknown user never matches')).toBe(false)
  })

  it('is false for a malformed or foreign stored hash instead of throwing', async () => {
    expect(await passwordMatches('not-a-hash', TEST_PASSWORDS.admin)).toBe(false)
    expect(await passwordMatches('', TEST_PASSWORDS.admin)).toBe(false)
    expect(await passwordMatches(PASSWORD_HASHES.admin.bcrypt, TEST_PASSWORDS.admin)).toBe(false)
  })

  it('matches what hashPassword makes', async () => {
    const hash = await hashPassword('correct horse battery staple')
    expect(hash.startsWith('$argon2id$')).toBe(true)
    expect(await passwordMatches(hash, 'correct horse battery staple')).toBe(true)
    expect(await passwordMatches(hash, 'correct horse battery stapler')).toBe(false)
  })
})
