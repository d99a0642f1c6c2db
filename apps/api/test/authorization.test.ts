// Every endpoint that takes a user's access token, against every kind of caller: each role of the
// project's organization (allowed, or 403 with nothing changed), an admin of another organization
// (404, nothing changed, nothing of the project shown), no token, and a project's CI token (401).
import type { SqlEntityManager } from '@mikro-orm/sql'
import {
  ApiToken,
  Project,
  ROLES,
  type Organization,
  type Role,
  type Upload,
} from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import {
  asSystem,
  batch,
  makeApiToken,
  makeOrg,
  makeProject,
  makeResult,
  makeRun,
  makeUpload,
  makeUser,
} from './support/builders.ts'

/** What each case finds in the project's organization. */
interface World {
  org: Organization
  project: Project
  apiToken: ApiToken
  /** The project token's secret (for the CI-token caller). */
  token: string
  upload: Upload
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  payload?: Record<string, unknown>
}

interface Endpoint {
  /** As the route is declared: `GET /api/projects/:projectId`. */
  name: string
  call: (world: World) => Call
  /** The lowest role that may call it (admin > member > viewer). */
  minimum: Role
  /** Its status when allowed. */
  ok: number
  /** Names a project: another organization's caller gets 404. */
  projectScoped: boolean
  /** What must hold after a refused call: nothing was written. */
  unchanged?: (em: SqlEntityManager, world: World) => Promise<void>
}

const projectUnchanged = async (em: SqlEntityManager, { project }: World) => {
  em.clear()
  expect(await em.findOne(Project, project.id)).toMatchObject({
    name: project.name,
    slug: project.slug,
  })
}

const tokensUnchanged = async (em: SqlEntityManager, { project, apiToken }: World) => {
  em.clear()
  const tokens = await em.find(ApiToken, { project: project.id })
  expect(tokens.map((t) => [t.id, t.revokedAt ?? null])).toEqual([[apiToken.id, null]])
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /api/me',
    call: () => ({ method: 'GET', url: '/api/me' }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: false,
  },
  {
    name: 'GET /api/projects',
    call: () => ({ method: 'GET', url: '/api/projects' }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: false,
  },
  {
    name: 'POST /api/projects',
    call: () => ({ method: 'POST', url: '/api/projects', payload: { name: 'Created here' } }),
    minimum: 'member',
    ok: 201,
    projectScoped: false,
    unchanged: async (em, { org }) => {
      em.clear()
      expect(await em.count(Project, { org, name: 'Created here' })).toBe(0)
    },
  },
  {
    name: 'GET /api/projects/:projectId',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'PATCH /api/projects/:projectId',
    call: ({ project }) => ({
      method: 'PATCH',
      url: `/api/projects/${project.id}`,
      payload: { name: 'Renamed' },
    }),
    minimum: 'member',
    ok: 200,
    projectScoped: true,
    unchanged: projectUnchanged,
  },
  {
    name: 'DELETE /api/projects/:projectId',
    call: ({ project }) => ({ method: 'DELETE', url: `/api/projects/${project.id}` }),
    minimum: 'admin',
    ok: 204,
    projectScoped: true,
    unchanged: projectUnchanged,
  },
  {
    name: 'GET /api/projects/:projectId/runs',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}/runs` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'GET /api/projects/:projectId/slowest',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}/slowest` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'GET /api/projects/:projectId/flaky',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}/flaky` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'GET /api/projects/:projectId/trend',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}/trend` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'GET /api/projects/:projectId/shard-plan',
    call: ({ project }) => ({
      method: 'GET',
      url: `/api/projects/${project.id}/shard-plan?shards=2`,
    }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'POST /api/projects/:projectId/tokens',
    call: ({ project }) => ({
      method: 'POST',
      url: `/api/projects/${project.id}/tokens`,
      payload: { name: 'ci' },
    }),
    minimum: 'admin',
    ok: 201,
    projectScoped: true,
    unchanged: tokensUnchanged,
  },
  {
    name: 'GET /api/projects/:projectId/tokens',
    call: ({ project }) => ({ method: 'GET', url: `/api/projects/${project.id}/tokens` }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
  {
    name: 'DELETE /api/projects/:projectId/tokens/:tokenId',
    call: ({ project, apiToken }) => ({
      method: 'DELETE',
      url: `/api/projects/${project.id}/tokens/${apiToken.id}`,
    }),
    minimum: 'admin',
    ok: 200,
    projectScoped: true,
    unchanged: tokensUnchanged,
  },
  {
    name: 'GET /api/projects/:projectId/uploads/:uploadId',
    call: ({ project, upload }) => ({
      method: 'GET',
      url: `/api/projects/${project.id}/uploads/${upload.id}`,
    }),
    minimum: 'viewer',
    ok: 200,
    projectScoped: true,
  },
]

/** A project with a run, a result, a CI token and an upload, in a new organization (one flush, or part of the caller's `batch`). */
function makeWorld(em: SqlEntityManager): Promise<World> {
  return batch(em, async () => {
    const org = await makeOrg(em)
    const project = await makeProject(em, { org })
    const run = await makeRun(em, { project })
    await makeResult(em, { run })
    const { apiToken, token } = await makeApiToken(em, { project })
    const upload = await makeUpload(em, { project })
    return { org, project, apiToken, token, upload }
  })
}

const allows = (role: Role, minimum: Role) => ROLES.indexOf(role) <= ROLES.indexOf(minimum)

describe.for(ENDPOINTS)('$name', { tags: ['security', 'integration'] }, (endpoint) => {
  test.for(ROLES)('by its %s', async (role, { em, app, signIn }) => {
    const { world, user } = await batch(em, async () => {
      const world = await makeWorld(em)
      return { world, user: await makeUser(em, { org: world.org, role }) }
    })

    const response = await app.inject({ ...endpoint.call(world), headers: await signIn(user) })

    if (allows(role, endpoint.minimum)) {
      expect(response.statusCode, response.body).toBe(endpoint.ok)
    } else {
      expect(response.statusCode).toBe(403)
      expect(response.json()).toMatchObject({
        error: 'forbidden',
        message: `this needs the ${endpoint.minimum} role${endpoint.minimum === 'admin' ? '' : ' or higher'}; you are a ${role}`,
      })
      await asSystem(em)
      await endpoint.unchanged?.(em, world)
    }
  })

  if (endpoint.projectScoped) {
    test("answers 404 to another organization's admin, shows nothing and changes nothing", async ({
      em,
      app,
      signIn,
    }) => {
      const { world, stranger } = await batch(em, async () => ({
        world: await makeWorld(em),
        stranger: await makeUser(em, { org: await makeOrg(em), role: 'admin' }),
      }))

      const response = await app.inject({
        ...endpoint.call(world),
        headers: await signIn(stranger),
      })

      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ error: 'not_found' })
      for (const secret of [world.project.name, world.project.slug, world.apiToken.prefix]) {
        expect(response.body).not.toContain(secret)
      }
      await asSystem(em)
      await endpoint.unchanged?.(em, world)
    })
  }

  test('answers 401 without a token', async ({ em, app }) => {
    const world = await makeWorld(em)
    const response = await app.inject(endpoint.call(world))
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer')
    await asSystem(em)
    await endpoint.unchanged?.(em, world)
  })

  test("answers 401 to the project's CI token, which is for uploads only", async ({ em, app }) => {
    const world = await makeWorld(em)
    const response = await app.inject({
      ...endpoint.call(world),
      headers: { authorization: `Bearer ${world.token}` },
    })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ error: 'unauthorized' })
    await asSystem(em)
    await endpoint.unchanged?.(em, world)
  })
})
