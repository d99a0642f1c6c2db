import { hash, verify } from '@node-rs/argon2'
import { createTokenFactory, hmacTestKey } from '@suitekit/auth-fixtures'
import Fastify from 'fastify'
import { SignJWT } from 'jose'
import type { Benchmark } from '../benchmark.ts'
import { formatTable, measure, progress } from '../measure.ts'

const SECRET = 'the-secret-the-insights-api-verifies-with'
const USER = { id: 'user-1', email: 'ann@example.com', role: 'admin' }
const PASSWORD = 'correct horse battery staple'

/** A login route as apps write it: look the user up, verify an argon2id hash, sign a token. */
async function loginApp(passwordHash: string) {
  const key = new TextEncoder().encode(SECRET)
  const app = Fastify()
  app.post<{ Body: { email: string; password: string } }>('/login', async (request, reply) => {
    const { email, password } = request.body
    if (email !== USER.email || !(await verify(passwordHash, password))) {
      return reply.code(401).send({ error: 'wrong email or password' })
    }
    const token = await new SignJWT({ role: USER.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(USER.id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key)
    return { token }
  })
  await app.ready()
  return app
}

/** Per-test cost of auth headers: a login per test vs a token minted once and reused. */
export const auth: Benchmark = {
  description: 'auth headers per test: login with argon2id through Fastify vs minted tokens',
  async run() {
    progress('hashing the user password with argon2id (default parameters), once')
    const app = await loginApp(await hash(PASSWORD))
    try {
      progress('login through POST /login per test')
      const login = await measure(
        'login per test (POST /login: argon2id verify + sign)',
        async () => {
          const response = await app.inject({
            method: 'POST',
            url: '/login',
            payload: { email: USER.email, password: PASSWORD },
          })
          if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
          return { authorization: `Bearer ${response.json<{ token: string }>().token}` }
        },
        { iterations: 150, warmup: 10 },
      )

      const tokens = createTokenFactory({ key: hmacTestKey(SECRET) })
      progress('a fresh mint per test (no cache)')
      const uncached = await measure(
        'mint per test, uncached (jose SignJWT HS256)',
        () => tokens.sign(USER),
        {
          iterations: 3000,
          warmup: 300,
        },
      )
      progress('suitekit headersFor: minted once per user and claims, then reused')
      const cached = await measure(
        'suitekit headersFor (minted once, reused)',
        () => tokens.headersFor(USER),
        {
          iterations: 20000,
          warmup: 1000,
        },
      )

      return {
        table: [
          formatTable([login, uncached, cached]),
          '',
          `login / headersFor: ${(login.medianMs / cached.medianMs).toFixed(0)}x; ` +
            `login / uncached mint: ${(login.medianMs / uncached.medianMs).toFixed(0)}x`,
        ].join('\n'),
        figures: {
          login_ms: login.medianMs,
          headers_ms: cached.medianMs,
          uncached_mint_ms: uncached.medianMs,
          mint_vs_login: login.medianMs / cached.medianMs,
          uncached_mint_vs_login: login.medianMs / uncached.medianMs,
        },
      }
    } finally {
      await app.close()
    }
  },
}
