import { ApiToken, Project, Run, TestResult, Upload } from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import {
  asSystem,
  batch,
  makeApiToken,
  makeOrg,
  makeOrgWithProject,
  makeOrgWithUser,
  makeProject,
  makeResult,
  makeRun,
  makeUpload,
  makeUser,
} from './support/builders.ts'

interface ProjectJson {
  id: string
  name: string
  slug: string
  createdAt: string
}

interface ErrorJson {
  error: string
  message: string
  issues?: { field: string; reason: string }[]
}

const MALFORMED_ID = 'not-a-uuid'

describe('GET /api/projects', { tags: ['integration'] }, () => {
  test("lists the organization's projects by name, never another organization's", async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const other = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'member' })
      await makeProject(em, { org, name: 'Charlie' })
      await makeProject(em, { org, name: 'Alpha' })
      await makeProject(em, { org, name: 'Bravo' })
      await makeProject(em, { org: other, name: 'Aardvark of Globex' })
      return { user }
    })

    const response = await app.inject({ url: '/api/projects', headers: await signIn(user) })

    expect(response.statusCode).toBe(200)
    const body = response.json<{ items: ProjectJson[]; total: number }>()
    expect(body.items.map((project) => project.name)).toEqual(['Alpha', 'Bravo', 'Charlie'])
    expect(body).toMatchObject({ total: 3, limit: 20, offset: 0 })
  })

  test('answers one page with limit, offset and the total', async ({ em, app, signIn }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      for (const name of ['Delta', 'Alpha', 'Charlie', 'Bravo'])
        await makeProject(em, { org, name })
      return { user }
    })

    const response = await app.inject({
      url: '/api/projects?limit=2&offset=1',
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    const body = response.json<{ items: ProjectJson[] }>()
    expect(body.items.map((project) => project.name)).toEqual(['Bravo', 'Charlie'])
    expect(body).toMatchObject({ total: 4, limit: 2, offset: 1 })
  })

  test('answers an empty page with the total past the last project', async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      await makeProject(em, { org })
      await makeProject(em, { org })
      return { user }
    })

    const response = await app.inject({
      url: '/api/projects?offset=5',
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ items: [], total: 2, limit: 20, offset: 5 })
  })

  test.for([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=-1', 'query.limit'],
    ['offset=-1', 'query.offset'],
  ] as const)('answers 400 for %s, naming %s', async ([query, field], { em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)

    const response = await app.inject({
      url: `/api/projects?${query}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    const body = response.json<ErrorJson>()
    expect(body.error).toBe('invalid_request')
    expect(body.issues?.map((issue) => issue.field)).toEqual([field])
  })

  test('accepts the bounds limit=1 and limit=100', async ({ em, app, signIn }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      await makeProject(em, { org })
      await makeProject(em, { org })
      return { user }
    })
    const headers = await signIn(user)

    const one = await app.inject({ url: '/api/projects?limit=1', headers })
    const hundred = await app.inject({ url: '/api/projects?limit=100', headers })

    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ total: 2, limit: 1, items: [expect.anything()] })
    expect(hundred.statusCode).toBe(200)
    expect(hundred.json<{ items: unknown[] }>().items).toHaveLength(2)
  })

  test('answers 400 for a query parameter it does not know', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)

    const response = await app.inject({
      url: '/api/projects?sort=name',
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues).toEqual([
      { field: 'query.sort', reason: 'is not a known field' },
    ])
  })

  test('answers 401 without an access token', async ({ app }) => {
    const response = await app.inject({ url: '/api/projects' })
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer')
  })

  test('lets a viewer list the projects', { tags: ['security'] }, async ({ em, app, signIn }) => {
    const { viewer, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const viewer = await makeUser(em, { org, role: 'viewer' })
      const project = await makeProject(em, { org, name: 'Visible' })
      return { viewer, project }
    })

    const response = await app.inject({ url: '/api/projects', headers: await signIn(viewer) })

    expect(response.statusCode).toBe(200)
    expect(response.json<{ items: ProjectJson[] }>().items).toEqual([
      {
        id: project.id,
        name: 'Visible',
        slug: project.slug,
        createdAt: project.createdAt.toISOString(),
      },
    ])
  })
})

describe('POST /api/projects', { tags: ['integration'] }, () => {
  test('creates a project with a slug made from its name', async ({ em, app, signIn }) => {
    const { org, user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: '  My Service API ' },
    })

    expect(response.statusCode).toBe(201)
    const created = response.json<ProjectJson>()
    expect(created).toMatchObject({ name: 'My Service API', slug: 'my-service-api' })
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt)
    await asSystem(em)
    const stored = await em.findOneOrFail(Project, created.id)
    expect(stored).toMatchObject({ name: 'My Service API', slug: 'my-service-api' })
    expect(stored.org.id).toBe(org.id)
  })

  test('derives the slug from punctuation and surrounding spaces too', async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: '--Web  App (v2)!--' },
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ name: '--Web  App (v2)!--', slug: 'web-app-v2' })
  })

  test('derives a slug without accents from an accented name', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'Crème Brûlée' },
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ name: 'Crème Brûlée', slug: 'creme-brulee' })
  })

  test('answers 400 naming body.name for a name of only spaces', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: '   ', slug: 'blank' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual(['body.name'])
  })

  test('keeps an explicit slug', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'My Service API', slug: 'svc-2' },
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ name: 'My Service API', slug: 'svc-2' })
  })

  test("answers 400 naming body.slug for a slug that isn't lowercase letters, digits and dashes", async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'Service', slug: 'Bad Slug' },
    })

    expect(response.statusCode).toBe(400)
    const body = response.json<ErrorJson>()
    expect(body.error).toBe('invalid_request')
    expect(body.issues?.map((issue) => issue.field)).toEqual(['body.slug'])
    await asSystem(em)
    expect(await em.count(Project, {})).toBe(0)
  })

  test('answers 400 naming body.slug when the name has no letters or digits and no slug is given', async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: '!!!' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual(['body.slug'])
  })

  test('answers 409 for a slug the organization already uses', async ({ em, app, signIn }) => {
    const { org, user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'admin' })
      await makeProject(em, { org, name: 'Existing', slug: 'my-service-api' })
      return { org, user }
    })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'My Service API' },
    })

    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({
      error: 'conflict',
      issues: [{ field: 'body.slug', reason: 'is taken by another project' }],
    })
    await asSystem(em)
    expect(await em.count(Project, { org: org.id })).toBe(1)
  })

  test("accepts a slug that only another organization's project uses", async ({
    em,
    app,
    signIn,
  }) => {
    const { user } = await batch(em, async () => {
      const org = await makeOrg(em)
      const other = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'admin' })
      await makeProject(em, { org: other, slug: 'shared-slug' })
      return { user }
    })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'Mine', slug: 'shared-slug' },
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ slug: 'shared-slug' })
  })

  test('answers 400 for a field it does not know', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { name: 'Service', owner: 'someone' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues).toEqual([
      { field: 'body.owner', reason: 'is not a known field' },
    ])
  })

  test('answers 400 for a missing name', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em, { role: 'admin' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(user),
      payload: { slug: 'no-name' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues).toEqual([
      { field: 'body.name', reason: 'is required' },
    ])
  })

  test(
    'answers 403 to a viewer and creates nothing',
    { tags: ['security'] },
    async ({ em, app, signIn }) => {
      const { user: viewer } = await makeOrgWithUser(em, { role: 'viewer' })

      const response = await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: await signIn(viewer),
        payload: { name: 'Nope' },
      })

      expect(response.statusCode).toBe(403)
      expect(response.json()).toMatchObject({ error: 'forbidden' })
      await asSystem(em)
      expect(await em.count(Project, {})).toBe(0)
    },
  )

  test('lets a member create a project', { tags: ['security'] }, async ({ em, app, signIn }) => {
    const { user: member } = await makeOrgWithUser(em, { role: 'member' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await signIn(member),
      payload: { name: 'Member Made' },
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ name: 'Member Made', slug: 'member-made' })
  })
})

describe('GET /api/projects/:projectId', { tags: ['integration'] }, () => {
  test('answers the project', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'viewer' })
      const project = await makeProject(em, { org, name: 'Checkout', slug: 'checkout' })
      return { user, project }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      id: project.id,
      name: 'Checkout',
      slug: 'checkout',
      createdAt: project.createdAt.toISOString(),
    })
  })

  test(
    "answers 404 for another organization's project without telling its name",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { other, user } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const user = await makeUser(em, { org, role: 'admin' })
        return { other, user }
      })
      const theirs = await makeProject(em, {
        org: other,
        name: 'Globex Secret Project',
        slug: 'globex-secret',
      })

      const response = await app.inject({
        url: `/api/projects/${theirs.id}`,
        headers: await signIn(user),
      })

      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ error: 'not_found' })
      expect(response.body).not.toContain('Globex Secret Project')
      expect(response.body).not.toContain('globex-secret')
    },
  )

  test('answers 404 for a project that does not exist', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)

    const response = await app.inject({
      url: '/api/projects/00000000-0000-4000-8000-000000000000',
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(404)
  })

  test('answers 400 naming params.projectId for a malformed id', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)

    const response = await app.inject({
      url: `/api/projects/${MALFORMED_ID}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual([
      'params.projectId',
    ])
  })
})

describe('PATCH /api/projects/:projectId', { tags: ['integration'] }, () => {
  test('renames a project and keeps its slug', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'member' })
      const project = await makeProject(em, { org, name: 'Old', slug: 'old' })
      return { user, project }
    })

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
      payload: { name: ' New Name ' },
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ id: project.id, name: 'New Name', slug: 'old' })
    await asSystem(em)
    em.clear()
    expect(await em.findOneOrFail(Project, project.id)).toMatchObject({
      name: 'New Name',
      slug: 'old',
    })
  })

  test('changes the slug', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'admin' })
      const project = await makeProject(em, { org, name: 'Service', slug: 'old' })
      return { user, project }
    })

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
      payload: { slug: 'new-slug' },
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ name: 'Service', slug: 'new-slug' })
    await asSystem(em)
    em.clear()
    expect(await em.findOneOrFail(Project, project.id)).toMatchObject({ slug: 'new-slug' })
  })

  test("answers 409 for a slug another of the organization's projects uses", async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'admin' })
      await makeProject(em, { org, slug: 'taken' })
      const project = await makeProject(em, { org, slug: 'mine' })
      return { user, project }
    })

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
      payload: { slug: 'taken' },
    })

    expect(response.statusCode).toBe(409)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual(['body.slug'])
    await asSystem(em)
    em.clear()
    expect(await em.findOneOrFail(Project, project.id)).toMatchObject({ slug: 'mine' })
  })

  test('answers 400 naming body.name for a name of only spaces', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org, role: 'admin' })
      const project = await makeProject(em, { org, name: 'Named' })
      return { user, project }
    })

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
      payload: { name: '   ' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual(['body.name'])
  })

  test('answers 400 for an empty body', async ({ em, app, signIn }) => {
    const { user, project } = await makeOrgWithProject(em, { role: 'admin' })

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      headers: await signIn(user),
      payload: {},
    })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      error: 'invalid_request',
      issues: [{ field: 'body' }],
    })
  })

  test(
    'answers 403 to a viewer and changes nothing',
    { tags: ['security'] },
    async ({ em, app, signIn }) => {
      const { viewer, project } = await batch(em, async () => {
        const org = await makeOrg(em)
        const viewer = await makeUser(em, { org, role: 'viewer' })
        const project = await makeProject(em, { org, name: 'Stays' })
        return { viewer, project }
      })

      const response = await app.inject({
        method: 'PATCH',
        url: `/api/projects/${project.id}`,
        headers: await signIn(viewer),
        payload: { name: 'Changed' },
      })

      expect(response.statusCode).toBe(403)
      await asSystem(em)
      em.clear()
      expect(await em.findOneOrFail(Project, project.id)).toMatchObject({ name: 'Stays' })
    },
  )

  test(
    "answers 404 for another organization's project and changes nothing",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { user, theirs } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const user = await makeUser(em, { org, role: 'admin' })
        const theirs = await makeProject(em, { org: other, name: 'Theirs', slug: 'theirs' })
        return { user, theirs }
      })

      const response = await app.inject({
        method: 'PATCH',
        url: `/api/projects/${theirs.id}`,
        headers: await signIn(user),
        payload: { name: 'Hijacked', slug: 'hijacked' },
      })

      expect(response.statusCode).toBe(404)
      expect(response.body).not.toContain('Theirs')
      await asSystem(em)
      em.clear()
      expect(await em.findOneOrFail(Project, theirs.id)).toMatchObject({
        name: 'Theirs',
        slug: 'theirs',
      })
    },
  )
})

describe('DELETE /api/projects/:projectId', { tags: ['integration'] }, () => {
  test(
    'lets an admin delete a project with its runs, results, tokens and uploads',
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { org, admin, project } = await batch(em, async () => {
        const org = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const project = await makeProject(em, { org })
        const run = await makeRun(em, { project })
        await makeResult(em, { run })
        await makeResult(em, { run })
        await makeApiToken(em, { project })
        await makeUpload(em, { project })
        return { org, admin, project }
      })
      // a sibling project of the same organization keeps all of its data
      const { sibling } = await batch(em, async () => {
        const sibling = await makeProject(em, { org })
        const siblingRun = await makeRun(em, { project: sibling })
        await makeResult(em, { run: siblingRun })
        await makeApiToken(em, { project: sibling })
        await makeUpload(em, { project: sibling })
        return { sibling }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(204)
      expect(response.body).toBe('')
      await asSystem(em)
      const counts = async (projectId: string) => ({
        projects: await em.count(Project, { id: projectId }),
        runs: await em.count(Run, { project: projectId }),
        results: await em.count(TestResult, { project: projectId }),
        tokens: await em.count(ApiToken, { project: projectId }),
        uploads: await em.count(Upload, { project: projectId }),
      })
      expect(await counts(project.id)).toEqual({
        projects: 0,
        runs: 0,
        results: 0,
        tokens: 0,
        uploads: 0,
      })
      expect(await counts(sibling.id)).toEqual({
        projects: 1,
        runs: 1,
        results: 1,
        tokens: 1,
        uploads: 1,
      })
    },
  )

  test(
    'answers 403 to a member and deletes nothing',
    { tags: ['security'] },
    async ({ em, app, signIn }) => {
      const { user: member, project } = await makeOrgWithProject(em, { role: 'member' })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}`,
        headers: await signIn(member),
      })

      expect(response.statusCode).toBe(403)
      expect(response.json<ErrorJson>().message).toMatch(/admin/)
      await asSystem(em)
      expect(await em.count(Project, { id: project.id })).toBe(1)
    },
  )

  test(
    "answers 404 for another organization's project and deletes nothing",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { admin, theirs } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const theirs = await makeProject(em, { org: other })
        await makeRun(em, { project: theirs })
        return { admin, theirs }
      })

      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${theirs.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
      await asSystem(em)
      expect(await em.count(Project, { id: theirs.id })).toBe(1)
      expect(await em.count(Run, { project: theirs.id })).toBe(1)
    },
  )
})
