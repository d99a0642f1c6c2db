import {
  exportJWK,
  generateKeyPair,
  generateSecret,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose'
import { assertNotProduction } from './production-guard.js'

/** The algorithms test keys are made for. */
export type SigningAlgorithm = 'HS256' | 'RS256' | 'ES256' | 'EdDSA'

/** A key tests sign with, and what the app verifies with. */
export interface TestKey {
  alg: SigningAlgorithm
  /** Key id, in the token header and the JWKS. */
  kid: string
  /** Signs: the private key, or the HMAC secret. */
  signingKey: CryptoKey | Uint8Array
  /** Verifies: the public key, or the same HMAC secret. */
  verificationKey: CryptoKey | Uint8Array
  /** The public key as a JWK (with `kid`, `alg`, `use`); absent for HMAC secrets, which are never published. */
  publicJwk: JWK | undefined
}

/** A {@link TestKey} as plain JSON, for vitest's `provide`/`inject` between processes. */
export interface SerializedTestKey {
  alg: SigningAlgorithm
  kid: string
  /** The private key (or secret, as `kty: 'oct'`) as a JWK. */
  privateJwk: JWK
  publicJwk: JWK | undefined
}

/**
 * Generates a key for `alg` (HS256: a 256-bit secret; RS256: 2048-bit RSA; ES256: P-256; EdDSA:
 * Ed25519). Generate once per test run (see `@suitekit/auth-fixtures/global-setup`), not per test.
 *
 * @example
 * const key = await generateTestKey('ES256')
 * const tokens = createTokenFactory({ key, issuer: 'insights' })
 */
export async function generateTestKey(
  alg: SigningAlgorithm,
  { kid = `test-${alg.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}` }: { kid?: string } = {},
): Promise<TestKey> {
  assertNotProduction('generate test keys')
  if (alg === 'HS256') {
    const secret = await exportJWK(await generateSecret('HS256', { extractable: true }))
    return importTestKey({ alg, kid, privateJwk: secret, publicJwk: undefined })
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return {
    alg,
    kid,
    signingKey: privateKey,
    verificationKey: publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  }
}

/** An HMAC key from the secret the app is configured with (HS256). */
export function hmacTestKey(secret: string | Uint8Array, kid = 'test-hs256'): TestKey {
  assertNotProduction('load test keys')
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (bytes.byteLength < 32) {
    throw new RangeError(
      `HS256 secret is ${bytes.byteLength} bytes; use at least 32 (jose rejects shorter keys on verify)`,
    )
  }
  return { alg: 'HS256', kid, signingKey: bytes, verificationKey: bytes, publicJwk: undefined }
}

/** The key as JSON, e.g. to hand keys from a vitest globalSetup to the workers. */
export async function serializeTestKey(key: TestKey): Promise<SerializedTestKey> {
  const privateJwk =
    key.signingKey instanceof Uint8Array
      ? { kty: 'oct', k: Buffer.from(key.signingKey).toString('base64url') }
      : await exportJWK(key.signingKey)
  return { alg: key.alg, kid: key.kid, privateJwk, publicJwk: key.publicJwk }
}

/** The key back from {@link serializeTestKey}'s JSON. */
export async function importTestKey(serialized: SerializedTestKey): Promise<TestKey> {
  assertNotProduction('load test keys')
  const { alg, kid, privateJwk, publicJwk } = serialized
  if (alg === 'HS256') {
    if (typeof privateJwk.k !== 'string')
      throw new TypeError(`key ${kid}: an HS256 key needs a 'k' secret`)
    return hmacTestKey(Buffer.from(privateJwk.k, 'base64url'), kid)
  }
  if (!publicJwk) throw new TypeError(`key ${kid}: an ${alg} key needs its public JWK`)
  const signingKey = await importJWK(privateJwk, alg)
  const verificationKey = await importJWK(publicJwk, alg)
  if (signingKey instanceof Uint8Array || verificationKey instanceof Uint8Array) {
    throw new TypeError(`key ${kid}: expected an asymmetric ${alg} key pair`)
  }
  return { alg, kid, signingKey, verificationKey, publicJwk }
}

/** The public JWKS of `keys` (HMAC secrets left out), for `createLocalJWKSet` or a JWKS endpoint. */
export function jwksOf(keys: readonly TestKey[]): { keys: JWK[] } {
  return { keys: keys.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])) }
}
