import { webcrypto } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import type { AuthConfig } from '../config.ts'

/** Signs the tokens `POST /api/login` hands out, and checks the ones requests bring. */
export interface AccessTokens {
  /** A token for `userId`, valid for the configured lifetime. */
  issue(userId: string): Promise<{ token: string; expiresInSeconds: number }>
  /** The user id a token was issued to. @throws {InvalidTokenError} for any token it did not issue or that expired */
  verify(token: string): Promise<string>
}

/** A token the verifier rejects, with why (safe to tell the client). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
}

/** The token type in the header (RFC 9068): tells access tokens apart from any other JWT. */
export const ACCESS_TOKEN_TYPE = 'at+jwt'

/**
 * HS256 access tokens (RFC 9068 shape: `typ: at+jwt`, `sub`, `iss`, `aud`, `iat`, `exp`). The
 * verifier allows only HS256, and requires every claim it checks, so that none of the negative
 * matrix's tokens passes (see test/auth.test.ts).
 */
export function createAccessTokens(config: AuthConfig): AccessTokens {
  // imported once: given the raw bytes, jose imports the key again on every sign and verify (about a
  // quarter of a verification's time here)
  let imported: Promise<webcrypto.CryptoKey> | undefined
  const signingKey = () =>
    (imported ??= webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(config.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ))
  return {
    async issue(userId) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE })
        .setSubject(userId)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt()
        .setExpirationTime(`${config.tokenTtlSeconds}s`)
        .sign(await signingKey())
      return { token, expiresInSeconds: config.tokenTtlSeconds }
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await signingKey(), {
          algorithms: ['HS256'],
          issuer: config.issuer,
          audience: config.audience,
          typ: ACCESS_TOKEN_TYPE,
          maxTokenAge: `${config.tokenTtlSeconds}s`,
          requiredClaims: ['sub', 'iat', 'exp'],
          clockTolerance: 5,
        })
        return payload.sub!
      } catch (error) {
        throw new InvalidTokenError(reasonOf(error), { cause: error })
      }
    },
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired'
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not valid`
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the token's signature does not match"
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted"
  if (error instanceof errors.JOSEError) return 'the token is not a valid access token'
  return 'the token is malformed'
}
