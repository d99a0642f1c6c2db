import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2'
import { compare as bcryptCompare, getRounds, hash as bcryptHash } from 'bcrypt'
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  FAST_HASH_PRESET,
  PASSWORD_HASHES,
  TEST_PASSWORDS,
  parseScryptHash,
  type PasswordHashSet,
  type TestPasswordName,
} from './password-hashes.js'

function scryptKey(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

// The documented format, written here independently of parseScryptHash so the two check each other.
async function scryptEncode(password: string, N: number, r: number, p: number): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptKey(password, salt, 64, { N, r, p })
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${Math.log2(N)},r=${r},p=${p}$${b64(salt)}$${b64(key)}`
}

async function scryptVerify(password: string, encoded: string): Promise<boolean> {
  const { N, r, p, salt, hash } = parseScryptHash(encoded)
  return timingSafeEqual(await scryptKey(password, salt, hash.length, { N, r, p }), hash)
}

interface Format {
  format: keyof PasswordHashSet
  /** Hashes with the parameters PASSWORD_HASHES uses. */
  hashSlow: (password: string) => Promise<string>
  hashFast: (password: string) => Promise<string>
  verify: (password: string, encoded: string) => Promise<boolean>
}

const formats: Format[] = [
  {
    format: 'argon2id',
    hashSlow: (password) => argon2Hash(password),
    hashFast: (password) => argon2Hash(password, FAST_HASH_PRESET.argon2id),
    verify: (password, encoded) => argon2Verify(encoded, password),
  },
  {
    format: 'bcrypt',
    hashSlow: (password) => bcryptHash(password, 12),
    hashFast: (password) => bcryptHash(password, FAST_HASH_PRESET.bcrypt.rounds),
    verify: (password, encoded) => bcryptCompare(password, encoded),
  },
  {
    format: 'scrypt',
    hashSlow: (password) => scryptEncode(password, 16384, 8, 1),
    hashFast: (password) => {
      const { N, r, p } = FAST_HASH_PRESET.scrypt
      return scryptEncode(password, N, r, p)
    },
    verify: scryptVerify,
  },
]

const names = Object.keys(TEST_PASSWORDS) as TestPasswordName[]

// Each hash against its own password and the next one's, for every format.
const cases = names.flatMap((name, index) =>
  formats.map(({ format, verify }) => ({
    format,
    name,
    verify,
    password: TEST_PASSWORDS[name],
    otherPassword: TEST_PASSWORDS[names[(index + 1) % names.length]!],
  })),
)

async function millisecondsFor(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

describe('TEST_PASSWORDS', () => {
  it('holds distinct passwords', () => {
    expect(new Set(Object.values(TEST_PASSWORDS)).size).toBe(names.length)
  })

  it.each(names)('%s is NFC-normalized and within the 72 bytes bcrypt reads', (name) => {
    const password = TEST_PASSWORDS[name]
    expect(password).toBe(password.normalize('NFC'))
    expect(Buffer.byteLength(password)).toBeLessThanOrEqual(72)
  })
})

describe('PASSWORD_HASHES', () => {
  it('has a hash set for every test password', () => {
    expect(Object.keys(PASSWORD_HASHES).sort()).toEqual([...names].sort())
  })

  it.each(cases)(
    '$format hash of $name verifies for its password and not for another',
    async ({ format, name, verify, password, otherPassword }) => {
      const encoded = PASSWORD_HASHES[name][format]
      expect(await verify(password, encoded)).toBe(true)
      expect(await verify(otherPassword, encoded)).toBe(false)
    },
  )

  it.each(names)('argon2id hash of %s carries the @node-rs/argon2 defaults', (name) => {
    expect(PASSWORD_HASHES[name].argon2id).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it.each(names)('bcrypt hash of %s has cost 12', (name) => {
    expect(PASSWORD_HASHES[name].bcrypt).toMatch(/^\$2b\$12\$/)
    expect(getRounds(PASSWORD_HASHES[name].bcrypt)).toBe(12)
  })

  it.each(names)('scrypt hash of %s has N=16384 r=8 p=1, 16-byte salt, 64-byte key', (name) => {
    const { N, r, p, salt, hash } = parseScryptHash(PASSWORD_HASHES[name].scrypt)
    expect({ N, r, p, saltBytes: salt.length, hashBytes: hash.length }).toEqual({
      N: 16384,
      r: 8,
      p: 1,
      saltBytes: 16,
      hashBytes: 64,
    })
  })
})

describe('parseScryptHash', () => {
  it('reads N, r, p, salt and hash', () => {
    const salt = Buffer.alloc(16, 1)
    const hash = Buffer.alloc(64, 2)
    const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')
    expect(parseScryptHash(`$scrypt$ln=10,r=4,p=2$${b64(salt)}$${b64(hash)}`)).toEqual({
      N: 1024,
      r: 4,
      p: 2,
      salt,
      hash,
    })
  })

  it.each([
    ['another algorithm', PASSWORD_HASHES.admin.argon2id, 'not an encoded scrypt hash'],
    ['a missing parameter', '$scrypt$ln=14,r=8$c2FsdA$aGFzaA', 'not an encoded scrypt hash'],
    ['a missing hash', '$scrypt$ln=14,r=8,p=1$c2FsdA', 'not an encoded scrypt hash'],
    ['padded base64', '$scrypt$ln=14,r=8,p=1$c2FsdA==$aGFzaA', 'not an encoded scrypt hash'],
    ['N = 1', '$scrypt$ln=0,r=8,p=1$c2FsdA$aGFzaA', 'out of range'],
    ['N beyond a safe integer', '$scrypt$ln=64,r=8,p=1$c2FsdA$aGFzaA', 'out of range'],
    ['r = 0', '$scrypt$ln=14,r=0,p=1$c2FsdA$aGFzaA', 'out of range'],
  ])('rejects %s', (_, encoded, message) => {
    expect(() => parseScryptHash(encoded)).toThrow(message)
  })
})

describe('FAST_HASH_PRESET', () => {
  it.each(formats)(
    '$format: hashes that verify, at least 5x cheaper than PASSWORD_HASHES parameters',
    async ({ hashSlow, hashFast, verify }) => {
      const password = TEST_PASSWORDS.admin
      const slow = await millisecondsFor(() => hashSlow(password))
      // Noise on a shared machine only slows a run: one slow run can only widen the ratio, and
      // the fastest of three fast runs keeps a single stall from narrowing it.
      const fast = Math.min(
        await millisecondsFor(() => hashFast(password)),
        await millisecondsFor(() => hashFast(password)),
        await millisecondsFor(() => hashFast(password)),
      )
      expect(fast * 5).toBeLessThan(slow)
      expect(await verify(password, await hashFast(password))).toBe(true)
    },
  )

  it('argon2id preset hashes carry m=256,t=1,p=1', async () => {
    const encoded = await argon2Hash(TEST_PASSWORDS.admin, FAST_HASH_PRESET.argon2id)
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/)
  })

  it('bcrypt preset hashes have cost 4', async () => {
    expect(getRounds(await bcryptHash(TEST_PASSWORDS.admin, FAST_HASH_PRESET.bcrypt.rounds))).toBe(
      4,
    )
  })
})
