import { SignJWT, type JWTPayload } from 'jose'

/** The settings the app verifies tokens with; the factory signs with the same ones. */
export interface TokenFactoryOptions {
  /** HMAC secret the app's verifier uses (HS256). At least 32 bytes. */
  secret: string | Uint8Array
  /** `iss` claim the verifier expects. */
  issuer?: string
  /** `aud` claim the verifier expects. */
  audience?: string | string[]
  /** Token lifetime in seconds. @default 3600 */
  expiresInSeconds?: number
}

/** A user a token is minted for: `id` becomes the `sub` claim, the rest extra claims. */
export interface TokenSubject extends JWTPayload {
  id: string
}

/** Mints tokens the app's real verifier accepts. */
export interface TokenFactory {
  /** Signs a token for `subject`: `sub` is `subject.id`, other fields are claims. */
  sign(subject: TokenSubject): Promise<string>
  /** `{ authorization: 'Bearer <token>' }` for `subject`, ready for `app.inject({ headers })`. */
  headersFor(subject: TokenSubject): Promise<{ authorization: string }>
}

const MIN_SECRET_BYTES = 32

/**
 * Creates a token factory from the app's verification settings (HS256 for now).
 *
 * @example
 * const tokens = createTokenFactory({ secret: process.env.JWT_SECRET!, issuer: 'insights' })
 * const res = await app.inject({ url: '/me', headers: await tokens.headersFor({ id: 'u1' }) })
 */
export function createTokenFactory(options: TokenFactoryOptions): TokenFactory {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      '@suitekit/auth-fixtures refuses to mint tokens when NODE_ENV=production: it is for tests only',
    )
  }
  const key =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
  if (key.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(
      `HS256 secret is ${key.byteLength} bytes; use at least ${MIN_SECRET_BYTES} (jose rejects shorter keys on verify)`,
    )
  }
  const lifetime = options.expiresInSeconds ?? 3600

  async function sign({ id, ...claims }: TokenSubject): Promise<string> {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(id)
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
    if (options.issuer !== undefined) jwt.setIssuer(options.issuer)
    if (options.audience !== undefined) jwt.setAudience(options.audience)
    return jwt.sign(key)
  }

  return {
    sign,
    async headersFor(subject) {
      return { authorization: `Bearer ${await sign(subject)}` }
    },
  }
}
