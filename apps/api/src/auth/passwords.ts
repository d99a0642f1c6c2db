import { hash, verify } from '@node-rs/argon2'

let unknownUserHash: Promise<string> | undefined

/**
 * Whether `password` matches the argon2id `passwordHash`. For an unknown user pass `undefined`: a
 * hash is still verified, so that the answer takes as long and does not tell which emails exist.
 */
export async function passwordMatches(
  passwordHash: string | undefined,
  password: string,
): Promise<boolean> {
  if (passwordHash === undefined) {
    unknownUserHash ??= hash('an unknown user never matches')
    await verify(await unknownUserHash, password)
    return false
  }
  try {
    return await verify(passwordHash, password)
  } catch {
    return false // a malformed stored hash matches no password
  }
}

/** An argon2id hash of `password`, with the library's defaults (m=19456, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}
