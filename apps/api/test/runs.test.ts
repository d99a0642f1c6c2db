import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import {
  batch,
  makeOrg,
  makeOrgWithProject,
  makeOrgWithUser,
  makeProject,
  makeRun,
  makeUpload,
  makeUser,
} from './support/builders.ts'

interface RunJson {
  id: string
  branch: string | null
  commit: string | null
  ciJob: string | null
  shard: { index: number; count: number } | null
  wallMs: number | null
  testCount: number
  failedCount: number
  uploadId: string | null
  createdAt: string
}

interface RunPage {
  items: RunJson[]
  total: number
  limit: number
  offset: number
}

const day = (n: number) => new Date(Date.UTC(2025, 0, n, 12))

describe('GET /api/projects/:projectId/runs', { tags: ['integration'] }, () => {
  test("lists the project's runs newest first, and only that project's", async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project, second, first, third } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      const sibling = await makeProject(em, { org })
      const second = await makeRun(em, { project, createdAt: day(2) })
      const first = await makeRun(em, { project, createdAt: day(1) })
      const third = await makeRun(em, { project, createdAt: day(3) })
      await makeRun(em, { project: sibling, createdAt: day(4) })
      return { user, project, second, first, third }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    const page = response.json<RunPage>()
    expect(page.items.map((run) => run.id)).toEqual([third.id, second.id, first.id])
    expect(page).toMatchObject({ total: 3, limit: 20, offset: 0 })
  })

  test('answers each run with its fields', async ({ em, app, signIn }) => {
    const { user, project, upload } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      const upload = await makeUpload(em, { project, status: 'done' })
      return { user, project, upload }
    })
    const run = await makeRun(em, {
      project,
      createdAt: day(5),
      branch: 'feature/login',
      commit: 'abc123',
      ciJob: 'test (2/4)',
      shardIndex: 2,
      shardCount: 4,
      wallMs: 1234.5,
      testCount: 40,
      failedCount: 3,
    })
    run.upload = upload
    await em.flush()

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<RunPage>().items).toEqual([
      {
        id: run.id,
        branch: 'feature/login',
        commit: 'abc123',
        ciJob: 'test (2/4)',
        shard: { index: 2, count: 4 },
        wallMs: 1234.5,
        testCount: 40,
        failedCount: 3,
        uploadId: upload.id,
        createdAt: day(5).toISOString(),
      },
    ])
  })

  test('answers shard null and null fields for a run without them', async ({ em, app, signIn }) => {
    const { user, project, run } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      const run = await makeRun(em, { project, branch: null, commit: null })
      return { user, project, run }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<RunPage>().items).toEqual([
      {
        id: run.id,
        branch: null,
        commit: null,
        ciJob: null,
        shard: null,
        wallMs: null,
        testCount: 0,
        failedCount: 0,
        uploadId: null,
        createdAt: run.createdAt.toISOString(),
      },
    ])
  })

  test('answers shard null when only the shard index is known', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      await makeRun(em, { project, shardIndex: 1 })
      return { user, project }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<RunPage>().items[0]?.shard).toBeNull()
  })

  test('answers one page with limit, offset and the total', async ({ em, app, signIn }) => {
    const { user, project } = await makeOrgWithProject(em)
    const runs = []
    for (let n = 1; n <= 5; n++) runs.push(await makeRun(em, { project, createdAt: day(n) }))

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs?limit=2&offset=1`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    const page = response.json<RunPage>()
    expect(page.items.map((run) => run.id)).toEqual([runs[3]?.id, runs[2]?.id])
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 })
  })

  test('answers an empty page with the right total past the last run', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      await makeRun(em, { project, createdAt: day(1) })
      await makeRun(em, { project, createdAt: day(2) })
      await makeRun(em, { project, createdAt: day(3) })
      return { user, project }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs?limit=10&offset=3`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ items: [], total: 3, limit: 10, offset: 3 })
  })

  test('accepts the bounds limit=1, limit=100 and offset=0', async ({ em, app, signIn }) => {
    const { user, project, older, newer } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      const older = await makeRun(em, { project, createdAt: day(1) })
      const newer = await makeRun(em, { project, createdAt: day(2) })
      return { user, project, older, newer }
    })
    const headers = await signIn(user)
    const url = `/api/projects/${project.id}/runs`

    const one = await app.inject({ url: `${url}?limit=1&offset=0`, headers })
    const hundred = await app.inject({ url: `${url}?limit=100`, headers })

    expect(one.statusCode).toBe(200)
    expect(one.json<RunPage>().items.map((run) => run.id)).toEqual([newer.id])
    expect(hundred.statusCode).toBe(200)
    expect(hundred.json<RunPage>().items.map((run) => run.id)).toEqual([newer.id, older.id])
  })

  test.for([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=-1', 'query.limit'],
    ['offset=-1', 'query.offset'],
    ['limit=ten', 'query.limit'],
    ['branch=', 'query.branch'],
  ] as const)('answers 400 for %s, naming %s', async ([query, field], { em, app, signIn }) => {
    const { user, project } = await makeOrgWithProject(em)

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs?${query}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    const body = response.json<{ error: string; issues: { field: string }[] }>()
    expect(body.error).toBe('invalid_request')
    expect(body.issues.map((issue) => issue.field)).toEqual([field])
  })

  test('filters by branch, the total counting only that branch', async ({ em, app, signIn }) => {
    const { user, project, older, newer } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      await makeRun(em, { project, branch: 'main', createdAt: day(1) })
      const older = await makeRun(em, { project, branch: 'feature/x', createdAt: day(2) })
      await makeRun(em, { project, branch: 'main', createdAt: day(3) })
      const newer = await makeRun(em, { project, branch: 'feature/x', createdAt: day(4) })
      await makeRun(em, { project, branch: 'feature/xy', createdAt: day(5) })
      return { user, project, older, newer }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs?branch=${encodeURIComponent('feature/x')}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    const page = response.json<RunPage>()
    expect(page.items.map((run) => run.id)).toEqual([newer.id, older.id])
    expect(page.items.every((run) => run.branch === 'feature/x')).toBe(true)
    expect(page.total).toBe(2)
  })

  test('answers an empty page for a branch without runs', async ({ em, app, signIn }) => {
    const { user, project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      await makeRun(em, { project, branch: 'main' })
      return { user, project }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs?branch=release`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ items: [], total: 0 })
  })

  test('lets a viewer list the runs', { tags: ['security'] }, async ({ em, app, signIn }) => {
    const { viewer, project, run } = await batch(em, async () => {
      const org = await makeOrg(em)
      const viewer = await makeUser(em, { org, role: 'viewer' })
      const project = await makeProject(em, { org })
      const run = await makeRun(em, { project })
      return { viewer, project, run }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/runs`,
      headers: await signIn(viewer),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<RunPage>().items.map((item) => item.id)).toEqual([run.id])
  })

  test(
    "answers 404 for another organization's project without telling its runs",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { admin, theirs, theirRun } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const theirs = await makeProject(em, { org: other })
        const theirRun = await makeRun(em, { project: theirs, branch: 'globex-secret-branch' })
        return { admin, theirs, theirRun }
      })

      const response = await app.inject({
        url: `/api/projects/${theirs.id}/runs`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ error: 'not_found' })
      expect(response.body).not.toContain(theirRun.id)
      expect(response.body).not.toContain('globex-secret-branch')
    },
  )

  test('answers 401 without an access token', { tags: ['security'] }, async ({ em, app }) => {
    const { project } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      return { project }
    })

    const response = await app.inject({ url: `/api/projects/${project.id}/runs` })

    expect(response.statusCode).toBe(401)
  })

  test('answers 400 naming params.projectId for a malformed id', async ({ em, app, signIn }) => {
    const { user } = await makeOrgWithUser(em)

    const response = await app.inject({
      url: '/api/projects/123/runs',
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ issues: [{ field: 'params.projectId' }] })
  })
})
