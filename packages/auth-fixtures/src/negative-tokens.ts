/**
 * The negative token matrix: Authorization headers an app's real JWT verifier must answer with 401
 * (RFC 8725, RFC 9068, and the usual JWT attack lists).
 *
 * Each case carries exactly one defect. Everything else matches a token the app accepts (see
 * {@link validAuthorization}): same key, `iss`, `aud`, `sub`, `typ`, extra claims, and `iat` = now.
 * So `expired` is issued now with `exp` in the past: a verifier that only bounds the token's age
 * still has to check `exp`. Point the requests at a route that answers 2xx to any authenticated
 * user, and pick a `subject` the app knows, or every case would get 401 for the wrong reason.
 *
 * Only rejected tokens are here. Tokens just INSIDE the clock tolerance, a lowercase `bearer`
 * scheme (auth schemes are case-insensitive, RFC 7235) or `typ: 'application/at+jwt'` where
 * `at+jwt` is expected (RFC 7515 §4.1.9) are positive cases and must be accepted.
 *
 * Asymmetric keys are assumed to be looked up by `kid` in the app's JWKS (see `jwksOf`); HS256
 * apps verify with the one secret.
 */
import { createHmac } from 'node:crypto'
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  generateSecret,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
  type SignOptions,
} from 'jose'
import { assertNotProduction } from './production-guard.js'
import { generateTestKey, type SigningAlgorithm, type TestKey } from './test-key.js'

/** The app's verification settings; the cases are derived from them. */
export interface NegativeTokenOptions {
  /** The key the app trusts: its HMAC secret, or the key pair whose public half is in its JWKS. */
  key: TestKey
  /** The `iss` the app requires. */
  issuer: string
  /** The `aud` the app requires. */
  audience: string
  /** `sub` of every token: a user the app knows. @default 'negative-token-user' */
  subject?: string | undefined
  /** Further claims a token needs to be accepted (e.g. `scope`). @default {} */
  claims?: JWTPayload | undefined
  /**
   * The `typ` header the app requires (RFC 8725 §3.11 explicit typing, e.g. `at+jwt`): adds the
   * wrong-typ and missing-typ cases. Unset: tokens carry `typ: 'JWT'` and no typ case is made.
   */
  typ?: string | undefined
  /** `typ` values of other token kinds to present where `typ` is expected. @default ['JWT', 'id_token+jwt'] */
  otherTypes?: readonly string[] | undefined
  /** The app's maximum token age from `iat` (jose `maxTokenAge`): adds too-old and missing-iat cases. */
  maxAgeSeconds?: number | undefined
  /** The app's clock tolerance, in seconds (jose `clockTolerance`). @default 0 */
  clockToleranceSeconds?: number | undefined
  /** The app's current time; pass the same pinned clock the app uses. @default () => new Date() */
  now?: (() => Date) | undefined
}

/** One bad request: the Authorization header to send, and the status the app must answer. */
export interface NegativeTokenCase {
  /** Short stable id, e.g. `expired`. */
  name: string
  /** What the token is and why the app must refuse it. */
  description: string
  /** The status the app must answer. */
  expectedStatus: 401
  /** The full Authorization header value (minted now, against `options.now`), or `undefined` for no header. */
  authorization(): Promise<string | undefined>
}

/** What a request to the app answered, e.g. a `fastify.inject` or supertest response. */
export interface NegativeTokenResponse {
  statusCode: number
}

/** Lifetime of every minted token, and how far "well outside" a time bound is. */
const HOUR = 3600
/**
 * How far past the clock tolerance the `*-just-outside-tolerance` cases are. Close enough to catch
 * a verifier with more leeway than configured (libraries default to 30 s to 5 min); far enough that
 * the seconds ticking between minting and verifying with a real clock never turn a case into a pass.
 */
const EDGE_SECONDS = 5
const ATTACKER_KID = 'suitekit-attacker'
const ATTACKER_ORIGIN = 'http://127.0.0.1:9'
const SUBTLE_SIGNING: Record<SigningAlgorithm, Parameters<typeof crypto.subtle.sign>[0]> = {
  HS256: { name: 'HMAC' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
}

type Claims = Record<string, unknown>
type Header = JWSHeaderParameters & { alg: string }

/** The Authorization header of a token the app must accept: every case is this token plus one defect. */
export async function validAuthorization(options: NegativeTokenOptions): Promise<string> {
  assertNotProduction('mint tokens')
  const mint = minter(options)
  return `Bearer ${await mint.valid(mint.now())}`
}

/**
 * The negative token matrix for the app's settings: every case must get 401.
 *
 * @example
 * for (const c of negativeTokenCases({ key, issuer: 'insights', audience: 'insights-api' })) {
 *   const res = await app.inject({ url: '/me', headers: { authorization: await c.authorization() } })
 *   assert.equal(res.statusCode, c.expectedStatus, `${c.name}: ${c.description}`)
 * }
 */
export function negativeTokenCases(options: NegativeTokenOptions): NegativeTokenCase[] {
  assertNotProduction('mint tokens')
  const mint = minter(options)
  const { key, issuer, audience } = options
  const t = mint.tolerance
  const cases: NegativeTokenCase[] = []
  const add = (
    name: string,
    description: string,
    authorization: () => Promise<string | undefined>,
  ): void => {
    cases.push({ name, description, expectedStatus: 401, authorization })
  }
  /** A case whose header is `Bearer <token>`, the token minted at the app's current second. */
  const token = (name: string, description: string, build: (now: number) => Promise<string>) =>
    add(name, description, async () => `Bearer ${await build(mint.now())}`)
  /** A token signed with the trusted key: the valid claims and header with `changes` applied. */
  const signed = (now: number, claims: Claims = {}, header: Partial<Header> = {}) =>
    mint.sign(mint.header(header), mint.claims(now, claims), key.signingKey)

  // The Authorization header itself (RFC 6750 §2.1)
  add(
    'missing-authorization',
    'No Authorization header: the request is anonymous, so a protected route must answer 401.',
    () => Promise.resolve(undefined),
  )
  add(
    'basic-scheme',
    'Basic credentials where a Bearer token is expected: the app must not fall back to another scheme.',
    () => Promise.resolve(`Basic ${btoa(`${mint.subject}:password`)}`),
  )
  add(
    'token-scheme',
    'A valid token under the non-standard `Token` scheme: only `Bearer` carries JWT access tokens (RFC 6750).',
    async () => `Token ${await mint.valid(mint.now())}`,
  )
  add('bearer-empty', '`Bearer ` followed by nothing: there is no token to verify.', () =>
    Promise.resolve('Bearer '),
  )
  add('bearer-only', '`Bearer` with no space and no token: there is no token to verify.', () =>
    Promise.resolve('Bearer'),
  )

  // Malformed compact serialization (RFC 7515 §7.1); the bad segments carry a valid signature
  token(
    'malformed-two-segments',
    'Only header.payload, no signature segment: a JWS has exactly three segments.',
    async (now) =>
      segments(await mint.valid(now))
        .slice(0, 2)
        .join('.'),
  )
  token(
    'malformed-four-segments',
    'A valid token with an extra fourth segment: a JWS has exactly three segments.',
    async (now) => {
      const valid = await mint.valid(now)
      return `${valid}.${segments(valid)[2]}`
    },
  )
  token(
    'malformed-base64url',
    'Payload segment with `*` characters, signed as is: not base64url. Lenient decoders (Node `Buffer`) skip them and read valid claims.',
    async (now) => {
      const payload = segment(mint.claims(now))
      return mint.signRaw(segment(mint.header()), `${payload.slice(0, 4)}*${payload.slice(4)}*`)
    },
  )
  token(
    'malformed-header-json',
    'Header segment that decodes to truncated JSON, signed as is: a token whose header cannot be parsed is invalid.',
    (now) =>
      mint.signRaw(segment(JSON.stringify(mint.header()).slice(0, -1)), segment(mint.claims(now))),
  )
  token(
    'malformed-payload-json',
    'Payload segment that decodes to truncated JSON, signed as is: the claims set must be a JSON object (RFC 7519 §7.2).',
    (now) =>
      mint.signRaw(segment(mint.header()), segment(JSON.stringify(mint.claims(now)).slice(0, -1))),
  )

  // Signature
  token(
    'tampered-payload',
    'The valid token with `exp` pushed a year later under the original signature: the signature no longer matches.',
    async (now) => {
      const [header, , signature] = segments(await mint.valid(now))
      const claims = mint.claims(now)
      return `${header}.${segment({ ...claims, exp: Number(claims.exp) + 365 * 86_400 })}.${signature}`
    },
  )
  token(
    'missing-signature',
    `alg ${key.alg} with the signature segment stripped: an empty signature never verifies.`,
    async (now) =>
      `${segments(await mint.valid(now))
        .slice(0, 2)
        .join('.')}.`,
  )
  token(
    'untrusted-key',
    `Signed by a fresh ${key.alg} key under the trusted kid: a valid signature from a key the app does not trust.`,
    async (now) =>
      mint.sign(mint.header(), mint.claims(now), (await mint.attacker(key.alg)).signingKey),
  )
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    token(
      `alg-${alg}`,
      `\`alg: "${alg}"\` with an empty signature (an Unsecured JWS): never accepted, whatever the case of "none" (RFC 8725 §3.1).`,
      (now) => Promise.resolve(`${segment(mint.header({ alg }))}.${segment(mint.claims(now))}.`),
    )
  }
  if (key.publicJwk && !(key.verificationKey instanceof Uint8Array)) {
    const publicKey = key.verificationKey
    const publicJwk = key.publicJwk
    const pem = async () => `${(await exportSPKI(publicKey)).trimEnd()}\n`
    const confusion = (name: string, what: string, secret: () => Promise<Uint8Array>) =>
      token(
        `alg-confusion-hs256-${name}`,
        `HS256 with the app's ${key.alg} public key (${what}) as the HMAC secret: algorithm confusion; a public key must never verify an HMAC (RFC 8725 §2.1).`,
        async (now) => mint.sign(mint.header({ alg: 'HS256' }), mint.claims(now), await secret()),
      )
    confusion('pem', 'SPKI PEM text, as in a .pem file', async () =>
      new TextEncoder().encode(await pem()),
    )
    confusion('spki-der', 'SPKI DER bytes', async () =>
      base64ToBytes((await pem()).replace(/-----[^-]+-----|\s/g, '')),
    )
    confusion('jwk', 'its JWKS entry as a JSON string', () =>
      Promise.resolve(new TextEncoder().encode(JSON.stringify(publicJwk))),
    )
  }
  const offList = offListAlgorithm(key)
  token(
    'alg-not-allowed',
    `${offList.alg} signed with ${offList.what}: the app allows only ${key.alg}, and the algorithm must come from its allow-list, never from the header (RFC 8725 §3.1).`,
    async (now) => {
      const signingKey = await offList.signingKey()
      return mint.sign(mint.header({ alg: offList.alg }), mint.claims(now), signingKey)
    },
  )

  // Header parameters
  const attackerSigned = async (now: number, header: Partial<Header>, alg = key.alg) =>
    mint.sign(
      mint.header({ alg, kid: ATTACKER_KID, ...header }),
      mint.claims(now),
      (await mint.attacker(alg)).signingKey,
    )
  token(
    'unknown-kid',
    `Signed by a fresh ${key.alg} key with a kid the app does not know: no trusted key matches, and a key-lookup miss is a 401, not a 500.`,
    (now) => attackerSigned(now, { kid: 'suitekit-unknown-kid' }),
  )
  token(
    'kid-path-traversal',
    '`kid: "../../../../dev/null"`, HS256 with an empty secret (what reading that file yields): a kid is never a file path.',
    (now) => {
      const header = segment(mint.header({ alg: 'HS256', kid: '../../../../dev/null' }))
      const input = `${header}.${segment(mint.claims(now))}`
      const signature = createHmac('sha256', new Uint8Array(0)).update(input).digest()
      return Promise.resolve(`${input}.${base64url.encode(signature)}`)
    },
  )
  token(
    'kid-sql-injection',
    `\`kid: "' OR '1'='1"\`, signed by a fresh ${key.alg} key: a kid is never pasted into a query; the lookup fails with 401, not 500.`,
    (now) => attackerSigned(now, { kid: "' OR '1'='1" }),
  )
  const embedded = mint.embeddedAlg
  token(
    'jku-header',
    `\`jku\` pointing at ${ATTACKER_ORIGIN}/attacker-jwks.json, signed by that attacker's ${embedded} key: keys come from the app's configured JWKS, never from a URL in the token (RFC 8725 §3.10).`,
    (now) => attackerSigned(now, { jku: `${ATTACKER_ORIGIN}/attacker-jwks.json` }, embedded),
  )
  token(
    'x5u-header',
    `\`x5u\` pointing at ${ATTACKER_ORIGIN}/attacker-cert.pem, signed by that attacker's ${embedded} key: certificates are never fetched from a URL in the token.`,
    (now) => attackerSigned(now, { x5u: `${ATTACKER_ORIGIN}/attacker-cert.pem` }, embedded),
  )
  token(
    'jwk-header',
    `An embedded \`jwk\` header with the attacker's own ${embedded} public key, signed by it: a key inside the token proves nothing (CVE-2018-0114).`,
    async (now) => {
      const attacker = await mint.attacker(embedded)
      return attackerSigned(now, { jwk: attacker.publicJwk }, embedded)
    },
  )
  token(
    'crit-unknown',
    '`crit: ["suitekit-unknown"]` with that parameter present, signed by the trusted key: an unknown critical extension makes the token invalid (RFC 7515 §4.1.11).',
    (now) =>
      mint.sign(
        mint.header({ crit: ['suitekit-unknown'], 'suitekit-unknown': true }),
        mint.claims(now),
        key.signingKey,
        { crit: { 'suitekit-unknown': true } },
      ),
  )

  // Claims (RFC 7519 §4.1, RFC 9068 §4)
  token(
    'wrong-issuer',
    `\`iss: "${issuer}.attacker.example"\`: another issuer (and one that a prefix match lets through).`,
    (now) => signed(now, { iss: `${issuer}.attacker.example` }),
  )
  token('missing-issuer', 'No `iss` claim: the issuer cannot be checked.', (now) =>
    signed(now, { iss: undefined }),
  )
  token(
    'wrong-audience',
    `\`aud: "${audience}.attacker.example"\`: a token for another audience must not be replayed here.`,
    (now) => signed(now, { aud: `${audience}.attacker.example` }),
  )
  token('missing-audience', 'No `aud` claim: the audience cannot be checked.', (now) =>
    signed(now, { aud: undefined }),
  )
  token('missing-subject', 'No `sub` claim: the token names no user.', (now) =>
    signed(now, { sub: undefined }),
  )
  token(
    'missing-exp',
    'No `exp` claim: a token that never expires (jose accepts it unless `requiredClaims` includes `exp`).',
    (now) => signed(now, { exp: undefined }),
  )
  if (options.typ !== undefined) {
    for (const other of mint.otherTypes) {
      token(
        `wrong-typ-${other}`,
        `\`typ: "${other}"\` where \`${options.typ}\` is expected: another kind of token (e.g. an ID token) must not pass as this one (RFC 8725 §3.11).`,
        (now) => signed(now, {}, { typ: other }),
      )
    }
    token('missing-typ', `No \`typ\` header where \`${options.typ}\` is required.`, (now) =>
      signed(now, {}, { typ: undefined }),
    )
  }

  // Time (RFC 7519 §4.1.4-6); tolerance t, edges EDGE_SECONDS past it
  token(
    'expired',
    `\`exp\` an hour before now minus the ${t} s tolerance (issued now, so only \`exp\` is wrong).`,
    (now) => signed(now, { exp: now - t - HOUR }),
  )
  token(
    'expired-just-outside-tolerance',
    `\`exp\` ${EDGE_SECONDS} s beyond the ${t} s clock tolerance: a verifier with more leeway than configured accepts it.`,
    (now) => signed(now, { exp: now - t - EDGE_SECONDS }),
  )
  token(
    'not-yet-valid',
    `\`nbf\` an hour after now plus the ${t} s tolerance: the token is not valid yet.`,
    (now) => signed(now, { nbf: now + t + HOUR, exp: now + t + 2 * HOUR }),
  )
  token(
    'not-yet-valid-just-outside-tolerance',
    `\`nbf\` ${EDGE_SECONDS} s beyond the ${t} s clock tolerance.`,
    (now) => signed(now, { nbf: now + t + EDGE_SECONDS }),
  )
  token(
    'issued-in-the-future',
    `\`iat\` an hour after now plus the ${t} s tolerance: no token is issued in the future (jose checks \`iat\` only when \`maxTokenAge\` is set).`,
    (now) => signed(now, { iat: now + t + HOUR, exp: now + t + 2 * HOUR }),
  )
  token(
    'issued-in-the-future-just-outside-tolerance',
    `\`iat\` ${EDGE_SECONDS} s beyond the ${t} s clock tolerance (jose checks \`iat\` only when \`maxTokenAge\` is set).`,
    (now) => signed(now, { iat: now + t + EDGE_SECONDS }),
  )
  const maxAge = options.maxAgeSeconds
  if (maxAge !== undefined) {
    token(
      'older-than-max-age',
      `\`iat\` an hour more than the ${maxAge} s max age (plus ${t} s tolerance) ago, \`exp\` still ahead.`,
      (now) => signed(now, { iat: now - maxAge - t - HOUR }),
    )
    token(
      'older-than-max-age-just-outside-tolerance',
      `\`iat\` ${EDGE_SECONDS} s beyond the ${maxAge} s max age plus the ${t} s tolerance, \`exp\` still ahead.`,
      (now) => signed(now, { iat: now - maxAge - t - EDGE_SECONDS }),
    )
    token(
      'missing-iat',
      `No \`iat\` claim while tokens may be at most ${maxAge} s old: the age cannot be checked.`,
      (now) => signed(now, { iat: undefined }),
    )
  }
  return cases
}

interface Minter {
  subject: string
  tolerance: number
  otherTypes: string[]
  /** The asymmetric algorithm attacker keys embedded in (or linked from) a header use. */
  embeddedAlg: Exclude<SigningAlgorithm, 'HS256'>
  /** The app's current time, in whole seconds. */
  now(): number
  header(changes?: Partial<Header>): Header
  claims(now: number, changes?: Claims): Claims
  sign(
    header: Header,
    claims: Claims,
    key: CryptoKey | Uint8Array,
    options?: SignOptions,
  ): Promise<string>
  /** `header.payload.signature` with the trusted key's signature over the segments as given. */
  signRaw(header: string, payload: string): Promise<string>
  valid(now: number): Promise<string>
  /** A fresh key of `alg` (kid `suitekit-attacker`), made once per matrix. */
  attacker(alg: SigningAlgorithm): Promise<TestKey>
}

function minter(options: NegativeTokenOptions): Minter {
  const { key } = options
  const tolerance = options.clockToleranceSeconds ?? 0
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new RangeError(`clockToleranceSeconds must be a finite number >= 0, got ${tolerance}`)
  }
  const maxAge = options.maxAgeSeconds
  if (maxAge !== undefined && !(maxAge >= 0 && Number.isFinite(maxAge))) {
    throw new RangeError(`maxAgeSeconds must be a finite number >= 0, got ${maxAge}`)
  }
  const typ = options.typ ?? 'JWT'
  const otherTypes = [...new Set(options.otherTypes ?? ['JWT', 'id_token+jwt'])]
  const same = otherTypes.find((other) => normalizeTyp(other) === normalizeTyp(typ))
  if (options.typ !== undefined && same !== undefined) {
    throw new TypeError(`otherTypes: '${same}' is the expected typ '${typ}', which the app accepts`)
  }
  const clock = options.now ?? (() => new Date())
  const attackers = new Map<SigningAlgorithm, Promise<TestKey>>()
  const mint: Minter = {
    subject: options.subject ?? 'negative-token-user',
    tolerance,
    otherTypes,
    embeddedAlg: key.alg === 'HS256' ? 'ES256' : key.alg,
    now: () => Math.floor(clock().getTime() / 1000),
    header: (changes = {}) => withChanges({ alg: key.alg, typ, kid: key.kid }, changes),
    claims: (now, changes = {}) =>
      withChanges(
        {
          ...options.claims,
          iss: options.issuer,
          aud: options.audience,
          sub: mint.subject,
          iat: now,
          exp: now + HOUR,
        },
        changes,
      ),
    sign: (header, claims, signingKey, signOptions) =>
      new SignJWT(claims).setProtectedHeader(header).sign(signingKey, signOptions),
    async signRaw(header, payload) {
      const input = new TextEncoder().encode(`${header}.${payload}`)
      const signature =
        key.signingKey instanceof Uint8Array
          ? createHmac('sha256', key.signingKey).update(input).digest()
          : new Uint8Array(await crypto.subtle.sign(SUBTLE_SIGNING[key.alg], key.signingKey, input))
      return `${header}.${payload}.${base64url.encode(signature)}`
    },
    valid: (now) => mint.sign(mint.header(), mint.claims(now), key.signingKey),
    attacker(alg) {
      let attacker = attackers.get(alg)
      if (!attacker) {
        attacker = generateTestKey(alg, { kid: ATTACKER_KID })
        attackers.set(alg, attacker)
      }
      return attacker
    },
  }
  return mint
}

/** The algorithm outside the app's allow-list, signed with the trusted key material where it can be. */
function offListAlgorithm(key: TestKey): {
  alg: string
  what: string
  signingKey: () => Promise<CryptoKey | Uint8Array>
} {
  const { signingKey } = key
  if (key.alg === 'HS256') {
    return {
      alg: 'HS512',
      what: 'the trusted HMAC secret (a fresh one if it is a CryptoKey)',
      signingKey: async () =>
        signingKey instanceof Uint8Array ? signingKey : generateSecret('HS512'),
    }
  }
  if (key.alg === 'RS256') {
    return {
      alg: 'PS256',
      what: 'the trusted RSA key (a fresh one if it is not extractable)',
      signingKey: async () => {
        if (signingKey instanceof Uint8Array || !signingKey.extractable) {
          return (await generateKeyPair('PS256')).privateKey
        }
        const jwk: JWK = await exportJWK(signingKey)
        return importJWK({ ...jwk, alg: 'PS256' }, 'PS256')
      },
    }
  }
  return {
    alg: 'ES384',
    what: 'a fresh P-384 key',
    signingKey: async () => (await generateKeyPair('ES384')).privateKey,
  }
}

/** `base`, then `changes` over it; a change to `undefined` removes the member. */
function withChanges<T extends Record<string, unknown>>(base: T, changes: Partial<T>): T {
  const merged: Record<string, unknown> = { ...base, ...changes }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete merged[name]
  }
  return merged as T
}

function segment(value: string | object): string {
  return base64url.encode(typeof value === 'string' ? value : JSON.stringify(value))
}

function segments(token: string): string[] {
  return token.split('.')
}

function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

/** `typ` as compared by RFC 7515 §4.1.9 (and jose): case-insensitive, `application/` optional. */
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase()
  return lower.includes('/') ? lower : `application/${lower}`
}
