import {
  hmacTestKey,
  negativeTokenCases,
  validAuthorization,
  type NegativeTokenOptions,
} from '@suitekit/auth-fixtures'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import { batch, makeOrg, makeProject, makeUser } from './support/builders.ts'
import { TEST_CONFIG } from './support/test-config.ts'

/** The user every token of the matrix is issued to: created in each test's transaction. */
const SUBJECT = '00000000-0000-4000-8000-000000000001'

/** The app's real verifier settings: the matrix's valid token must pass them, every case must not. */
const matrix: NegativeTokenOptions = {
  key: hmacTestKey(TEST_CONFIG.auth.secret),
  issuer: TEST_CONFIG.auth.issuer,
  audience: TEST_CONFIG.auth.audience,
  subject: SUBJECT,
  typ: 'at+jwt',
  maxAgeSeconds: TEST_CONFIG.auth.tokenTtlSeconds,
  clockToleranceSeconds: 5,
}
const cases = negativeTokenCases(matrix)

function subjectUser(em: SqlEntityManager) {
  return batch(em, async () => {
    const org = await makeOrg(em)
    await makeProject(em, { org })
    return makeUser(em, { org, id: SUBJECT, role: 'viewer' })
  })
}

// Every route that takes a user's token goes through the same verifier; two of them, a plain
// one and a tenant-scoped list, carry the whole matrix.
describe.for(['/api/me', '/api/projects'])('the negative-token matrix on GET %s', (url) => {
  test('accepts the valid control token', { tags: ['security'] }, async ({ em, app }) => {
    await subjectUser(em)
    const response = await app.inject({
      url,
      headers: { authorization: await validAuthorization(matrix) },
    })
    expect(
      response.statusCode,
      'the token every case derives from must pass, or the 401s prove nothing',
    ).toBe(200)
  })

  test.for(cases)(
    'rejects $name with 401',
    { tags: ['security'] },
    async (negative, { em, app }) => {
      await subjectUser(em)
      const authorization = await negative.authorization()
      const response = await app.inject({ url, headers: authorization ? { authorization } : {} })
      expect(response.statusCode, `${negative.name}: ${negative.description}`).toBe(
        negative.expectedStatus,
      )
      expect(response.json()).toMatchObject({ error: 'unauthorized' })
      expect(response.body).not.toContain(SUBJECT)
    },
  )
})

describe('authorization by role', { tags: ['security', 'integration'] }, () => {
  test('a token whose user moved to the viewer role loses member rights at once', async ({
    em,
    app,
    signIn,
  }) => {
    const org = await makeOrg(em)
    const user = await makeUser(em, { org, role: 'member' })
    const headers = await signIn(user)
    const allowed = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers,
      payload: { name: 'one' },
    })
    expect(allowed.statusCode).toBe(201)
    user.role = 'viewer'
    await em.flush()
    const refused = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers,
      payload: { name: 'two' },
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({
      error: 'forbidden',
      message: 'this needs the member role or higher; you are a viewer',
    })
  })
})
