import { TEST_PASSWORDS } from '@suitekit/auth-fixtures'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import { batch, makeOrg, makeOrgWithUser, makeUser } from './support/builders.ts'

describe('POST /api/login', { tags: ['integration', 'security'] }, () => {
  test('returns an access token the API accepts', async ({ em, app }) => {
    const { org, user } = await batch(em, async () => {
      const org = await makeOrg(em, { name: 'Acme' })
      const user = await makeUser(em, { org, role: 'viewer', email: 'ada@acme.test' })
      return { org, user }
    })
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'ADA@acme.test ', password: TEST_PASSWORDS.viewer },
    })
    expect(login.statusCode).toBe(200)
    const { token, tokenType, expiresIn } = login.json<{
      token: string
      tokenType: string
      expiresIn: number
    }>()
    expect({ tokenType, expiresIn }).toEqual({ tokenType: 'Bearer', expiresIn: 3600 })
    const me = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({
      id: user.id,
      email: 'ada@acme.test',
      role: 'viewer',
      organization: { id: org.id, name: 'Acme' },
    })
  })

  test('answers 401 with one message for a wrong password and an unknown email', async ({
    em,
    app,
  }) => {
    await batch(em, async () => {
      const org = await makeOrg(em)
      await makeUser(em, { org, role: 'admin', email: 'grace@acme.test' })
    })
    const wrongPassword = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'grace@acme.test', password: TEST_PASSWORDS.member },
    })
    const unknownEmail = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'nobody@acme.test', password: TEST_PASSWORDS.admin },
    })
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({
        error: 'unauthorized',
        message: 'the email or the password is wrong',
      })
      expect(response.headers['www-authenticate']).toBe('Bearer')
    }
  })

  test('answers 400 naming each invalid field', async ({ app }) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'x', extra: true },
    })
    expect(response.statusCode).toBe(400)
    const body = response.json<{ error: string; issues: { field: string; reason: string }[] }>()
    expect(body.error).toBe('invalid_request')
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { field: 'body.email', reason: 'must NOT have fewer than 3 characters' },
        { field: 'body.password', reason: 'is required' },
        { field: 'body.extra', reason: 'is not a known field' },
      ]),
    )
  })
})

describe('GET /api/me', { tags: ['integration'] }, () => {
  test('answers with the signed-in user and their organization', async ({ em, app, signIn }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em, { name: 'Initech' })
      const user = await makeUser(em, { org, role: 'admin' })
      return { user }
    })
    const response = await app.inject({ url: '/api/me', headers: await signIn(user) })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      id: user.id,
      role: 'admin',
      organization: { name: 'Initech' },
    })
  })

  test("answers 401 when the token's user was deleted", async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)
    const headers = await signIn(user)
    await em.remove(user).flush()
    const response = await app.inject({ url: '/api/me', headers })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ message: "the token's user no longer exists" })
  })
})
