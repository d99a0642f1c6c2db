import { createPublicKey } from 'node:crypto'
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  exportSPKI,
  jwtVerify,
  SignJWT,
  type JWTVerifyOptions,
} from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  negativeTokenCases,
  validAuthorization,
  type NegativeTokenCase,
  type NegativeTokenOptions,
  type NegativeTokenResponse,
} from './negative-tokens.js'
import { generateTestKey, jwksOf, type SigningAlgorithm } from './test-key.js'
import { createTokenFactory } from './token-factory.js'
import { testNegativeTokens } from './vitest.js'

type Request = (authorization: string | undefined) => Promise<NegativeTokenResponse>

const pinned = new Date('2031-05-17T12:00:00Z')
const settings: {
  alg: SigningAlgorithm
  typ: string | undefined
  maxAgeSeconds: number
  clockToleranceSeconds: number
  pinned: boolean
  runner: 'testNegativeTokens' | 'it.each'
}[] = [
  {
    alg: 'HS256',
    typ: 'at+jwt',
    maxAgeSeconds: 600,
    clockToleranceSeconds: 30,
    pinned: true,
    runner: 'testNegativeTokens',
  },
  {
    alg: 'RS256',
    typ: undefined,
    maxAgeSeconds: 3600,
    clockToleranceSeconds: 0,
    pinned: false,
    runner: 'it.each',
  },
  {
    alg: 'ES256',
    typ: 'application/at+jwt',
    maxAgeSeconds: 300,
    clockToleranceSeconds: 5,
    pinned: false,
    runner: 'it.each',
  },
  {
    alg: 'EdDSA',
    typ: 'at+jwt',
    maxAgeSeconds: 900,
    clockToleranceSeconds: 60,
    pinned: true,
    runner: 'testNegativeTokens',
  },
]
const keys = await Promise.all(settings.map(({ alg }) => generateTestKey(alg)))
const configs = settings.map((setting, index) => ({
  ...setting,
  options: {
    key: keys[index]!,
    issuer: 'https://auth.suitekit.test',
    audience: 'insights-api',
    subject: 'user-1',
    claims: { scope: 'read' },
    typ: setting.typ,
    maxAgeSeconds: setting.maxAgeSeconds,
    clockToleranceSeconds: setting.clockToleranceSeconds,
    now: setting.pinned ? () => pinned : undefined,
  } satisfies NegativeTokenOptions,
}))

/** RFC 6750 `Bearer <token>`: scheme case-insensitive (RFC 7235), one token; its syntax is jose's to judge. */
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1]
}

/** The app's real verifier: jose with every setting pinned; 401 for bad tokens, 403 without the scope. */
function strictRequest(
  options: NegativeTokenOptions,
  overrides: Partial<JWTVerifyOptions> = {},
): Request {
  const { key } = options
  const jwks = key.publicJwk ? createLocalJWKSet(jwksOf([key])) : undefined
  return async (authorization) => {
    const token = bearerToken(authorization)
    if (token === undefined) return { statusCode: 401 }
    const verifyOptions: JWTVerifyOptions = {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: [key.alg],
      typ: options.typ,
      maxTokenAge: options.maxAgeSeconds,
      clockTolerance: options.clockToleranceSeconds,
      currentDate: options.now?.(),
      requiredClaims: ['sub', 'iss', 'aud', 'exp'],
      ...overrides,
    }
    try {
      const { payload } = jwks
        ? await jwtVerify(token, jwks, verifyOptions)
        : await jwtVerify(token, key.verificationKey, verifyOptions)
      return { statusCode: payload.scope === 'read' ? 200 : 403 }
    } catch (error) {
      // like an app's error handler: jose's errors are the client's fault, anything else is a bug
      return { statusCode: error instanceof errors.JOSEError ? 401 : 500 }
    }
  }
}

/** LAX: decodes the claims without verifying anything, and takes whatever follows the last space. */
const decodeOnlyRequest: Request = (authorization) => {
  try {
    decodeJwt(authorization?.split(' ').at(-1) ?? '')
    return Promise.resolve({ statusCode: 200 })
  } catch {
    return Promise.resolve({ statusCode: 401 })
  }
}

/** LAX: `jwtVerify(token, publicKey)` with no options: signature and exp/nbf only, any algorithm the key fits. */
function signatureOnlyRequest({ key, now }: NegativeTokenOptions): Request {
  const verificationKey = key.publicJwk
    ? createPublicKey({ key: key.publicJwk, format: 'jwk' })
    : key.verificationKey
  return async (authorization) => {
    try {
      await jwtVerify(bearerToken(authorization) ?? '', verificationKey, { currentDate: now?.() })
      return { statusCode: 200 }
    } catch {
      return { statusCode: 401 }
    }
  }
}

/**
 * LAX: the strict verifier plus three classic library bugs that trust the header: `alg: none` in any
 * case (CVE-2015-9235), an embedded `jwk` (CVE-2018-0114), and HS* verified with the public key's
 * PEM as the secret (CVE-2016-5431).
 */
function headerTrustingRequest(options: NegativeTokenOptions): Request {
  const strict = strictRequest(options)
  const { key } = options
  const claimChecks: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    typ: options.typ,
    maxTokenAge: options.maxAgeSeconds,
    clockTolerance: options.clockToleranceSeconds,
    currentDate: options.now?.(),
  }
  return async (authorization) => {
    const token = bearerToken(authorization)
    if (token === undefined) return { statusCode: 401 }
    try {
      const { alg, jwk } = decodeProtectedHeader(token)
      if (alg?.toLowerCase() === 'none') return { statusCode: 200 }
      if (jwk) {
        await jwtVerify(token, EmbeddedJWK, claimChecks)
        return { statusCode: 200 }
      }
      if (alg?.startsWith('HS') && !(key.verificationKey instanceof Uint8Array)) {
        const pem = `${await exportSPKI(key.verificationKey)}\n`
        await jwtVerify(token, new TextEncoder().encode(pem), claimChecks)
        return { statusCode: 200 }
      }
    } catch {
      return { statusCode: 401 }
    }
    return strict(authorization)
  }
}

async function acceptedNames(request: Request, cases: NegativeTokenCase[]): Promise<string[]> {
  const accepted: string[] = []
  for (const negative of cases) {
    const { statusCode } = await request(await negative.authorization())
    if (statusCode === 200) accepted.push(negative.name)
  }
  return accepted.toSorted()
}

describe('negativeTokenCases', () => {
  afterEach(() => vi.unstubAllEnvs())

  describe.each(configs)('$alg (typ $typ, tolerance $clockToleranceSeconds s)', (config) => {
    const { options } = config
    const cases = negativeTokenCases(options)
    const names = cases.map(({ name }) => name)
    const strict = strictRequest(options)

    if (config.runner === 'testNegativeTokens') {
      describe('testNegativeTokens', () => testNegativeTokens(strict, options))
    } else {
      it('accepts the valid control token', async () => {
        expect(await strict(await validAuthorization(options))).toEqual({ statusCode: 200 })
      })
      it.each(cases)('rejects $name with 401', async (negative) => {
        const { statusCode } = await strict(await negative.authorization())
        expect(statusCode, `${negative.name}: ${negative.description}`).toBe(401)
      })
    }

    it('accepts a token from createTokenFactory with the same settings', async () => {
      const tokens = createTokenFactory({
        key: options.key,
        issuer: options.issuer,
        audience: options.audience,
        typ: options.typ,
        claims: options.claims,
        now: options.now,
      })
      expect(await strict(`Bearer ${await tokens.sign({ id: 'user-1' })}`)).toEqual({
        statusCode: 200,
      })
    })

    const t = config.clockToleranceSeconds
    it.runIf(config.pinned).each([
      { edge: 'exp 1 s inside the tolerance', claims: (now: number) => ({ exp: now - t + 1 }) },
      { edge: 'nbf at the tolerance', claims: (now: number) => ({ nbf: now + t }) },
      { edge: 'iat at the tolerance ahead', claims: (now: number) => ({ iat: now + t }) },
      {
        edge: 'iat at max age plus tolerance',
        claims: (now: number) => ({ iat: now - config.maxAgeSeconds - t }),
      },
    ])('accepts the positive edge: $edge', async ({ claims }) => {
      const now = Math.floor(pinned.getTime() / 1000)
      const token = await new SignJWT({
        scope: 'read',
        iss: options.issuer,
        aud: options.audience,
        sub: 'user-1',
        iat: now,
        exp: now + 3600,
        ...claims(now),
      })
        .setProtectedHeader({ alg: options.key.alg, typ: options.typ, kid: options.key.kid })
        .sign(options.key.signingKey)
      expect(await strict(`Bearer ${token}`)).toEqual({ statusCode: 200 })
    })

    it('has unique names and expects 401 everywhere', () => {
      expect(new Set(names).size).toBe(names.length)
      expect(cases.every(({ expectedStatus }) => expectedStatus === 401)).toBe(true)
      expect(cases.every(({ description }) => description.length > 20)).toBe(true)
    })

    it('adds the cases the settings call for', () => {
      const asymmetric = options.key.alg !== 'HS256'
      expect(names.includes('alg-confusion-hs256-pem')).toBe(asymmetric)
      expect(names.includes('wrong-typ-JWT')).toBe(options.typ !== undefined)
      expect(names.includes('missing-typ')).toBe(options.typ !== undefined)
      expect(names).toContain('older-than-max-age')
    })

    it('a decode-only verifier with a lax header parser accepts everything but unparsable tokens', async () => {
      const accepted = await acceptedNames(decodeOnlyRequest, cases)
      expect(names.filter((name) => !accepted.includes(name)).toSorted()).toEqual(
        [
          'missing-authorization',
          'basic-scheme',
          'bearer-empty',
          'bearer-only',
          'malformed-two-segments',
          'malformed-four-segments',
          'malformed-base64url',
          'malformed-payload-json',
        ].toSorted(),
      )
    })

    it('a signature-only verifier accepts the claim, typ, iat and algorithm cases', async () => {
      const typCases = options.typ ? ['wrong-typ-JWT', 'wrong-typ-id_token+jwt', 'missing-typ'] : []
      const sameKeyOffList = ['HS256', 'RS256'].includes(config.alg) ? ['alg-not-allowed'] : []
      expect(await acceptedNames(signatureOnlyRequest(options), cases)).toEqual(
        [
          'wrong-issuer',
          'missing-issuer',
          'wrong-audience',
          'missing-audience',
          'missing-subject',
          'missing-exp',
          ...typCases,
          'issued-in-the-future',
          'issued-in-the-future-just-outside-tolerance',
          'older-than-max-age',
          'older-than-max-age-just-outside-tolerance',
          'missing-iat',
          ...sameKeyOffList,
        ].toSorted(),
      )
    })

    it('a header-trusting verifier accepts alg none, the embedded jwk and (asymmetric) the PEM confusion', async () => {
      const confusion = config.alg === 'HS256' ? [] : ['alg-confusion-hs256-pem']
      expect(await acceptedNames(headerTrustingRequest(options), cases)).toEqual(
        ['alg-none', 'alg-None', 'alg-NONE', 'alg-nOnE', 'jwk-header', ...confusion].toSorted(),
      )
    })

    it('a verifier with 60 s more clock tolerance than configured accepts only the edge cases', async () => {
      const overTolerant = strictRequest(options, { clockTolerance: t + 60 })
      expect(await acceptedNames(overTolerant, cases)).toEqual(
        [
          'expired-just-outside-tolerance',
          'not-yet-valid-just-outside-tolerance',
          'issued-in-the-future-just-outside-tolerance',
          'older-than-max-age-just-outside-tolerance',
        ].toSorted(),
      )
    })
  })

  it('leaves out max-age cases without maxAgeSeconds', () => {
    const names = negativeTokenCases({ ...configs[0]!.options, maxAgeSeconds: undefined }).map(
      ({ name }) => name,
    )
    expect(names).not.toContain('older-than-max-age')
    expect(names).not.toContain('missing-iat')
    expect(names).toContain('issued-in-the-future')
  })

  it('rejects otherTypes that the app accepts as its typ', () => {
    expect(() =>
      negativeTokenCases({ ...configs[0]!.options, otherTypes: ['JWT', 'application/AT+JWT'] }),
    ).toThrow("otherTypes: 'application/AT+JWT' is the expected typ 'at+jwt'")
  })

  it('refuses to run when NODE_ENV=production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => negativeTokenCases(configs[0]!.options)).toThrow(
      'refuses to mint tokens when NODE_ENV=production',
    )
  })
})
