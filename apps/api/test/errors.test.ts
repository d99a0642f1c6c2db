import { createLifespan, type Lifespan } from '@suitekit/lifespan'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'
import { engine, test } from './support/api-test.ts'
import { makeOrg, makeProject, makeUser } from './support/builders.ts'
import { TEST_CONFIG } from './support/test-config.ts'

const SECRET_MESSAGE = 'secret detail at /srv/db password=hunter2'

/**
 * One app for the file's own tests (no database), whose log lines land in `lines`, with a route
 * that throws. Built once: what each test reads is its own requests' answers and log lines.
 */
const lines: string[] = []
let app: FastifyInstance
let lifespan: Lifespan

beforeAll(async () => {
  lifespan = createLifespan([])
  await lifespan.start()
  app = createApp({
    lifespan,
    config: TEST_CONFIG,
    database: {
      get orm(): never {
        throw new Error('these tests use no database')
      },
      ping: () => Promise.resolve(),
    },
    logger: { level: 'error', stream: { write: (line: string) => void lines.push(line) } },
  })
  app.get('/boom', () => {
    throw new Error(SECRET_MESSAGE)
  })
  await app.ready()
})

afterAll(async () => {
  await app.close()
  await lifespan.stop()
})

beforeEach(() => {
  lines.length = 0
})

interface LogLine {
  level: number
  reqId?: string
  msg?: string
  err?: { message?: string; stack?: string }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('500 answers', { tags: ['integration', 'security'] }, () => {
  it("say nothing of the exception, and the log has it with the answer's request id", async () => {
    const response = await app.inject({ url: '/boom' })

    expect(response.statusCode).toBe(500)
    const requestId = String(response.headers['x-request-id'])
    expect(requestId).toMatch(UUID)
    expect(requestId).toMatch(UUID)
    expect(response.json()).toEqual({
      error: 'internal',
      message: `something went wrong on our side; quote request id ${requestId} when reporting it`,
      requestId,
    })
    for (const leak of ['secret', 'hunter2', '/srv/db', 'stack', 'Error:']) {
      expect(response.body).not.toContain(leak)
    }

    const logged = lines.map((line) => JSON.parse(line) as LogLine)
    const failure = logged.find((line) => line.reqId === requestId && line.level >= 50)
    expect(failure).toMatchObject({ msg: 'request failed', err: { message: SECRET_MESSAGE } })
  })

  it('keep the request id the client sent, in the answer and in the log', async () => {
    const response = await app.inject({ url: '/boom', headers: { 'x-request-id': 'ci-42.7:a_b' } })
    expect(response.statusCode).toBe(500)
    expect(response.headers['x-request-id']).toBe('ci-42.7:a_b')
    expect(response.json()).toMatchObject({ requestId: 'ci-42.7:a_b' })
    const logged = lines.map((line) => JSON.parse(line) as LogLine)
    expect(logged.filter((line) => line.reqId === 'ci-42.7:a_b' && line.level >= 50)).toHaveLength(
      1,
    )
  })

  test('a database error in a real route is a clean 500', async ({ em, app, signIn }) => {
    const org = await makeOrg(em)
    const user = await makeUser(em, { org, role: 'viewer' })
    const project = await makeProject(em, { org })
    const headers = await signIn(user)
    const before = await app.inject({ url: `/api/projects/${project.id}/runs`, headers })
    expect(before.statusCode).toBe(200)

    // rolled back with the test's transaction
    if (engine === 'postgresql') {
      await em.execute('reset role') // the suite's role may not drop tables
      await em.execute('drop table run cascade')
    } else {
      await em.execute('drop table run')
    }

    const response = await app.inject({ url: `/api/projects/${project.id}/runs`, headers })
    expect(response.statusCode).toBe(500)
    const requestId = String(response.headers['x-request-id'])
    expect(response.json()).toEqual({
      error: 'internal',
      message: `something went wrong on our side; quote request id ${requestId} when reporting it`,
      requestId,
    })
    for (const leak of ['select', 'from', 'no such table', 'does not exist', 'relation', '"run"']) {
      expect(response.body.toLowerCase()).not.toContain(leak)
    }
  })
})

describe('4xx answers and request ids', { tags: ['integration'] }, () => {
  it('answers 404 not_found for an unknown route', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/nothing-here?x=1' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({
      error: 'not_found',
      message: 'no route POST /api/nothing-here',
      requestId: response.headers['x-request-id'],
    })
  })

  it('echoes a safe x-request-id in the header and the body', async () => {
    for (const given of ['abc-123', 'x'.repeat(100)]) {
      const response = await app.inject({ url: '/nowhere', headers: { 'x-request-id': given } })
      expect(response.headers['x-request-id']).toBe(given)
      expect(response.json()).toMatchObject({ requestId: given })
    }
  })

  it('replaces an unsafe or too long x-request-id with a new one', async () => {
    const ids = new Set<string>()
    for (const given of ['abc 123', 'x'.repeat(101), 'a'.repeat(200), 'id;drop', '', 'ünï']) {
      const response = await app.inject({ url: '/nowhere', headers: { 'x-request-id': given } })
      const id = response.headers['x-request-id']
      expect(id, given).toMatch(UUID)
      expect(response.json(), given).toMatchObject({ requestId: id })
      ids.add(String(id))
    }
    expect(ids.size).toBe(6)
  })

  it('answers 401 with www-authenticate: Bearer', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer not-a-jwt']) {
      const response = await app.inject({
        url: '/api/me',
        headers: authorization ? { authorization } : {},
      })
      expect(response.statusCode, authorization).toBe(401)
      expect(response.headers['www-authenticate'], authorization).toBe('Bearer')
      expect(response.json(), authorization).toMatchObject({ error: 'unauthorized' })
    }
  })

  it('does not add www-authenticate to other errors', async () => {
    const response = await app.inject({ url: '/nowhere' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['www-authenticate']).toBeUndefined()
  })
})

describe('GET /openapi.json', { tags: ['integration'] }, () => {
  it('describes the API as OpenAPI 3.1 with both security schemes', async () => {
    const response = await app.inject({ url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json<{
      openapi: string
      paths: Record<string, unknown>
      components: { securitySchemes: Record<string, { type: string; scheme: string }> }
    }>()
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/login',
        '/api/projects',
        '/api/uploads',
        '/api/projects/{projectId}/shard-plan',
        '/api/projects/{projectId}/slowest',
        '/health',
      ]),
    )
    expect(Object.keys(document.paths)).not.toContain('/openapi.json')
    expect(document.components.securitySchemes).toMatchObject({
      accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      projectToken: { type: 'http', scheme: 'bearer' },
    })
  })
})
