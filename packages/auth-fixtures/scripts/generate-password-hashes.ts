// Prints the PASSWORD_HASHES literal for src/password-hashes.ts: hashing at cost 12 takes a
// quarter of a second per password, which is why tests use these strings instead of hashing.
// Run from the package, paste the output over the literal, then prettier --write the file:
//   node scripts/generate-password-hashes.ts
import { hash as argon2id } from '@node-rs/argon2'
import { hash as bcrypt } from 'bcrypt'
import { randomBytes, scrypt } from 'node:crypto'
import { TEST_PASSWORDS } from '../src/password-hashes.ts'

const SCRYPT = { ln: 14, r: 8, p: 1, keyLength: 64, saltLength: 16 }

async function scryptHash(password: string): Promise<string> {
  const { ln, r, p, keyLength, saltLength } = SCRYPT
  const salt = randomBytes(saltLength)
  const key = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, { N: 2 ** ln, r, p }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    )
  })
  // Unpadded base64, as in PHC strings; parseScryptHash reads this format.
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`
}

const lines = [
  'export const PASSWORD_HASHES: Readonly<Record<TestPasswordName, PasswordHashSet>> = {',
]
// One hash at a time: the machine is shared, and this runs once.
for (const [name, password] of Object.entries(TEST_PASSWORDS)) {
  lines.push(`  ${name}: {`)
  // No options: the @node-rs/argon2 defaults (m=19456,t=2,p=1) are what apps use.
  lines.push(`    argon2id: '${await argon2id(password)}',`)
  lines.push(`    bcrypt: '${await bcrypt(password, 12)}',`)
  lines.push(`    scrypt: '${await scryptHash(password)}',`)
  lines.push('  },')
}
lines.push('}')
console.log(lines.join('\n'))
