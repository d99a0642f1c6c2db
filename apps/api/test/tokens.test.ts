import { createHash } from 'node:crypto'
import { ApiToken, Upload } from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import {
  asSystem,
  batch,
  makeApiToken,
  makeOrg,
  makeOrgWithProject,
  makeProject,
  makeUser,
} from './support/builders.ts'

interface TokenJson {
  id: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  token?: string
}

/** A valid `@suitekit/reporter` timings file with one test. */
const TIMINGS = JSON.stringify({
  version: 1,
  tests: [{ file: 'a.test.ts', name: 'works', durationMs: 12, state: 'passed' }],
})

describe('POST /api/projects/:projectId/tokens', { tags: ['integration', 'security'] }, () => {
  test('gives an admin a new skp_ token, once, with its prefix', async ({ em, app, signIn }) => {
    const { user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(admin),
      payload: { name: ' GitHub Actions ' },
    })

    expect(response.statusCode).toBe(201)
    const created = response.json<TokenJson>()
    expect(created.token).toMatch(/^skp_[\w-]+$/)
    expect(created).toMatchObject({
      name: 'GitHub Actions',
      prefix: created.token?.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
    })
    expect(created.prefix).toHaveLength(12)
  })

  test('stores only the SHA-256 hash of the token', async ({ em, app, signIn }) => {
    const { org, user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(admin),
      payload: { name: 'ci' },
    })

    expect(response.statusCode).toBe(201)
    const { id, token } = response.json<TokenJson & { token: string }>()
    await asSystem(em)
    const stored = await em.findOneOrFail(ApiToken, id)
    expect(stored.tokenHash).not.toBe(token)
    expect(stored.tokenHash).toHaveLength(64)
    expect(stored.tokenHash).toBe(createHash('sha256').update(token).digest('hex'))
    expect(stored.project.id).toBe(project.id)
    expect(stored.org.id).toBe(org.id)
  })

  test('gives a token that POST /api/uploads accepts for its project', async ({
    em,
    app,
    signIn,
  }) => {
    const { user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })
    const created = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(admin),
      payload: { name: 'ci' },
    })
    const { token } = created.json<TokenJson & { token: string }>()

    const upload = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: TIMINGS,
    })

    expect(upload.statusCode).toBe(202)
    await asSystem(em)
    expect(await em.count(Upload, { project: project.id })).toBe(1)
  })

  test.for(['member', 'viewer'] as const)(
    'answers 403 to a %s and stores no token',
    async (role, { em, app, signIn }) => {
      const { user, project } = await makeOrgWithProject(em, { role })

      const response = await app.inject({
        method: 'POST',
        url: `/api/projects/${project.id}/tokens`,
        headers: await signIn(user),
        payload: { name: 'ci' },
      })

      expect(response.statusCode).toBe(403)
      expect(response.body).not.toContain('skp_')
      await asSystem(em)
      expect(await em.count(ApiToken, {})).toBe(0)
    },
  )

  test("answers 404 for another organization's project and stores no token", async ({
    em,
    app,
    signIn,
  }) => {
    const { admin, theirs } = await batch(em, async () => {
      const org = await makeOrg(em)
      const other = await makeOrg(em)
      const admin = await makeUser(em, { org, role: 'admin' })
      const theirs = await makeProject(em, { org: other })
      return { admin, theirs }
    })

    const response = await app.inject({
      method: 'POST',
      url: `/api/projects/${theirs.id}/tokens`,
      headers: await signIn(admin),
      payload: { name: 'ci' },
    })

    expect(response.statusCode).toBe(404)
    expect(response.body).not.toContain('skp_')
    await asSystem(em)
    expect(await em.count(ApiToken, {})).toBe(0)
  })

  test('answers 400 naming body.name for a name of only spaces', async ({ em, app, signIn }) => {
    const { user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(admin),
      payload: { name: '   ' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ issues: [{ field: 'body.name' }] })
  })

  test('answers 400 for a missing name', async ({ em, app, signIn }) => {
    const { user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(admin),
      payload: {},
    })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      issues: [{ field: 'body.name', reason: 'is required' }],
    })
  })
})

describe('GET /api/projects/:projectId/tokens', { tags: ['integration', 'security'] }, () => {
  test("lists the project's tokens newest first, without the tokens themselves", async ({
    em,
    app,
    signIn,
  }) => {
    const { viewer, project, oldest, newest, middle } = await batch(em, async () => {
      const org = await makeOrg(em)
      const viewer = await makeUser(em, { org, role: 'viewer' })
      const project = await makeProject(em, { org })
      const sibling = await makeProject(em, { org })
      const oldest = await makeApiToken(em, { project, name: 'oldest' })
      const newest = await makeApiToken(em, { project, name: 'newest', revoked: true })
      const middle = await makeApiToken(em, { project, name: 'middle' })
      await makeApiToken(em, { project: sibling, name: 'sibling' })
      return { viewer, project, oldest, newest, middle }
    })
    oldest.apiToken.createdAt = new Date('2025-01-01T00:00:00.000Z')
    middle.apiToken.createdAt = new Date('2025-02-01T00:00:00.000Z')
    newest.apiToken.createdAt = new Date('2025-03-01T00:00:00.000Z')
    await em.flush()

    const response = await app.inject({
      url: `/api/projects/${project.id}/tokens`,
      headers: await signIn(viewer),
    })

    expect(response.statusCode).toBe(200)
    const { items } = response.json<{ items: TokenJson[] }>()
    expect(items.map((item) => item.name)).toEqual(['newest', 'middle', 'oldest'])
    expect(items[0]).toEqual({
      id: newest.apiToken.id,
      name: 'newest',
      prefix: newest.token.slice(0, 12),
      createdAt: '2025-03-01T00:00:00.000Z',
      lastUsedAt: null,
      revokedAt: expect.any(String) as string,
    })
    for (const item of items) {
      expect(item).not.toHaveProperty('token')
      expect(item).not.toHaveProperty('tokenHash')
    }
    for (const { token, apiToken } of [oldest, middle, newest]) {
      expect(response.body).not.toContain(token)
      expect(response.body).not.toContain(apiToken.tokenHash)
    }
  })

  test("answers 404 for another organization's project", async ({ em, app, signIn }) => {
    const { admin, theirs, apiToken } = await batch(em, async () => {
      const org = await makeOrg(em)
      const other = await makeOrg(em)
      const admin = await makeUser(em, { org, role: 'admin' })
      const theirs = await makeProject(em, { org: other })
      const { apiToken } = await makeApiToken(em, { project: theirs, name: 'their-ci' })
      return { admin, theirs, apiToken }
    })

    const response = await app.inject({
      url: `/api/projects/${theirs.id}/tokens`,
      headers: await signIn(admin),
    })

    expect(response.statusCode).toBe(404)
    expect(response.body).not.toContain('their-ci')
    expect(response.body).not.toContain(apiToken.prefix)
  })
})

describe(
  'DELETE /api/projects/:projectId/tokens/:tokenId',
  {
    tags: ['integration', 'security'],
  },
  () => {
    test('revokes the token, and uploads with it are refused', async ({ em, app, signIn }) => {
      const { admin, project, apiToken, token } = await batch(em, async () => {
        const org = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const project = await makeProject(em, { org })
        const { apiToken, token } = await makeApiToken(em, { project })
        return { admin, project, apiToken, token }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}/tokens/${apiToken.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(200)
      const revoked = response.json<TokenJson>()
      expect(revoked).toMatchObject({ id: apiToken.id, prefix: apiToken.prefix })
      expect(revoked.revokedAt).not.toBeNull()
      expect(new Date(revoked.revokedAt ?? '').toISOString()).toBe(revoked.revokedAt)

      const upload = await app.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: TIMINGS,
      })
      expect(upload.statusCode).toBe(401)
      expect(upload.json()).toMatchObject({
        error: 'unauthorized',
        message: expect.stringContaining('revoked') as string,
      })
      await asSystem(em)
      expect(await em.count(Upload, {})).toBe(0)
    })

    test('keeps the first revocation time when revoked again', async ({ em, app, signIn }) => {
      const { admin, project, apiToken } = await batch(em, async () => {
        const org = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const project = await makeProject(em, { org })
        const { apiToken } = await makeApiToken(em, { project })
        return { admin, project, apiToken }
      })
      const request = {
        method: 'DELETE' as const,
        url: `/api/projects/${project.id}/tokens/${apiToken.id}`,
        headers: await signIn(admin),
      }

      const first = await app.inject(request)
      await new Promise((resolve) => setTimeout(resolve, 5))
      const second = await app.inject(request)

      expect(first.statusCode).toBe(200)
      expect(second.statusCode).toBe(200)
      expect(second.json<TokenJson>().revokedAt).toBe(first.json<TokenJson>().revokedAt)
    })

    test('answers 403 to a member and leaves the token usable', async ({ em, app, signIn }) => {
      const { member, project, apiToken } = await batch(em, async () => {
        const org = await makeOrg(em)
        const member = await makeUser(em, { org, role: 'member' })
        const project = await makeProject(em, { org })
        const { apiToken } = await makeApiToken(em, { project })
        return { member, project, apiToken }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}/tokens/${apiToken.id}`,
        headers: await signIn(member),
      })

      expect(response.statusCode).toBe(403)
      await asSystem(em)
      em.clear()
      expect((await em.findOneOrFail(ApiToken, apiToken.id)).revokedAt).toBeNull()
    })

    test("answers 404 for another organization's token and leaves it usable", async ({
      em,
      app,
      signIn,
    }) => {
      const { admin, theirs, apiToken } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const theirs = await makeProject(em, { org: other })
        const { apiToken } = await makeApiToken(em, { project: theirs })
        return { admin, theirs, apiToken }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${theirs.id}/tokens/${apiToken.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
      await asSystem(em)
      em.clear()
      expect((await em.findOneOrFail(ApiToken, apiToken.id)).revokedAt).toBeNull()
    })

    test('answers 404 for a real token under another project of the organization', async ({
      em,
      app,
      signIn,
    }) => {
      const { admin, wrongProject, apiToken } = await batch(em, async () => {
        const org = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const project = await makeProject(em, { org })
        const wrongProject = await makeProject(em, { org })
        const { apiToken } = await makeApiToken(em, { project })
        return { admin, wrongProject, apiToken }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${wrongProject.id}/tokens/${apiToken.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
      await asSystem(em)
      em.clear()
      expect((await em.findOneOrFail(ApiToken, apiToken.id)).revokedAt).toBeNull()
    })

    test('answers 400 naming params.tokenId for a malformed token id', async ({
      em,
      app,
      signIn,
    }) => {
      const { user: admin, project } = await makeOrgWithProject(em, { role: 'admin' })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}/tokens/not-a-uuid`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ issues: [{ field: 'params.tokenId' }] })
    })
  },
)
