import { createHash, randomBytes } from 'node:crypto'

/** What tells a project token apart from other secrets (and from a user's access token). */
export const PROJECT_TOKEN_PREFIX = 'skp_'

/** A new project token: the secret (shown once), what is stored (its hash), and what lists show. */
export function newProjectToken(): { token: string; tokenHash: string; prefix: string } {
  const token = `${PROJECT_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`
  return { token, tokenHash: hashProjectToken(token), prefix: token.slice(0, 12) }
}

/** SHA-256, hex: a token has 192 random bits, so a fast hash is enough (no password-style hashing). */
export function hashProjectToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
