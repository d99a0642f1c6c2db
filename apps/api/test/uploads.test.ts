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
  makeUpload,
  makeUser,
} from './support/builders.ts'
import { TEST_CONFIG } from './support/test-config.ts'

interface ErrorJson {
  error: string
  message: string
  issues?: { field: string; reason: string }[]
}

/** A `@suitekit/reporter` timings file, pretty-printed and with non-ASCII names, as CI sends it. */
const TIMINGS = JSON.stringify(
  {
    version: 1,
    wallMs: 1234,
    ci: { branch: 'main', commit: 'abc123' },
    tests: [
      { file: 'src/café.test.ts', name: 'crème brûlée ✓', durationMs: 12.5, state: 'passed' },
      { file: 'src/a.test.ts', name: 'fails', durationMs: 3, state: 'failed', retries: 1 },
      { file: 'src/a.test.ts', name: 'later', durationMs: 0, state: 'skipped' },
    ],
  },
  null,
  2,
)

const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="2" time="0.5">
  <testsuite name="a.test.ts" tests="2" time="0.5">
    <testcase classname="a.test.ts" name="works" time="0.01"/>
    <testcase classname="a.test.ts" name="breaks" time="0.02"><failure message="boom"/></testcase>
  </testsuite>
</testsuites>
`

/** Uploads refused as a whole: [what, content type, body, field, reason]. */
const WHOLE_BODY_REFUSALS = [
  ['malformed JSON', 'application/json', '{"version": 1,', 'body', /not valid JSON/],
  ['broken XML', 'application/xml', '<testsuites><testsuite>', 'body', /not well-formed XML/],
  [
    'XML that is not JUnit',
    'text/xml',
    '<html><body/></html>',
    'body',
    /no <testsuites> or <testsuite>/,
  ],
  [
    'XML with a DOCTYPE',
    'application/xml',
    '<!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites/>',
    'body',
    /DOCTYPE/,
  ],
] as const

/** Uploads refused for one field of the body: [what, content type, body, field, reason]. */
const FIELD_REFUSALS = [
  [
    'JSON that is not a timings file',
    'application/json',
    '{"hello": "world"}',
    'body.version',
    /must be 1/,
  ],
  [
    'a timings file with an unknown test state',
    'application/json',
    '{"version": 1, "tests": [{"file": "a", "name": "b", "durationMs": 1, "state": "ok"}]}',
    'body.tests[0].state',
    /got "ok"/,
  ],
] as const

const LIMIT = TEST_CONFIG.uploadLimitBytes

/** A valid timings file padded with trailing whitespace to exactly `bytes` bytes. */
function timingsOfSize(bytes: number): string {
  const base = JSON.stringify({ version: 1, tests: [] })
  return base + ' '.repeat(bytes - Buffer.byteLength(base))
}

function upload(token: string | undefined, contentType: string, payload: string) {
  return {
    method: 'POST' as const,
    url: '/api/uploads',
    headers: {
      'content-type': contentType,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    payload,
  }
}

describe('POST /api/uploads', { tags: ['integration'] }, () => {
  test('stores a reporter JSON upload as sent and queues it', async ({ em, app }) => {
    const { org, project, apiToken, token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { apiToken, token } = await makeApiToken(em, { project })
      return { org, project, apiToken, token }
    })
    const before = Date.now()

    const response = await app.inject(upload(token, 'application/json', TIMINGS))

    expect(response.statusCode).toBe(202)
    const body = response.json<{ id: string }>()
    expect(body).toEqual({
      id: expect.any(String) as string,
      status: 'queued',
      format: 'suitekit',
      tests: 3,
    })
    await asSystem(em)
    em.clear()
    const stored = await em.findOneOrFail(Upload, body.id, { populate: ['body'] })
    expect(stored.body).toBe(TIMINGS)
    expect(stored.sizeBytes).toBe(Buffer.byteLength(TIMINGS))
    expect(stored.sizeBytes).toBeGreaterThan(TIMINGS.length) // bytes, not characters
    expect(stored).toMatchObject({ status: 'queued', contentType: 'application/json' })
    expect(stored.project.id).toBe(project.id)
    expect(stored.org.id).toBe(org.id)
    const used = await em.findOneOrFail(ApiToken, apiToken.id)
    expect(used.lastUsedAt).toBeInstanceOf(Date)
    expect(used.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000)
  })

  test('accepts reporter JSON sent with a charset parameter', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })

    const response = await app.inject(upload(token, 'application/json; charset=utf-8', TIMINGS))

    expect(response.statusCode).toBe(202)
    expect(response.json()).toMatchObject({ format: 'suitekit', tests: 3 })
  })

  test.for(['application/xml', 'text/xml'])(
    'stores a JUnit XML upload sent as %s',
    async (contentType, { em, app }) => {
      const { project, apiToken, token } = await batch(em, async () => {
        const org = await makeOrg(em)
        const project = await makeProject(em, { org })
        const { apiToken, token } = await makeApiToken(em, { project })
        return { project, apiToken, token }
      })

      const response = await app.inject(upload(token, contentType, JUNIT))

      expect(response.statusCode).toBe(202)
      const body = response.json<{ id: string }>()
      expect(body).toEqual({
        id: expect.any(String) as string,
        status: 'queued',
        format: 'junit',
        tests: 2,
      })
      await asSystem(em)
      em.clear()
      const stored = await em.findOneOrFail(Upload, body.id, { populate: ['body'] })
      expect(stored).toMatchObject({
        body: JUNIT,
        sizeBytes: Buffer.byteLength(JUNIT),
        status: 'queued',
        contentType,
      })
      expect(stored.project.id).toBe(project.id)
      expect((await em.findOneOrFail(ApiToken, apiToken.id)).lastUsedAt).toBeInstanceOf(Date)
    },
  )

  test.for([...WHOLE_BODY_REFUSALS, ...FIELD_REFUSALS])(
    'answers 400 invalid_upload for %s and stores nothing',
    async ([, contentType, payload, , reason], { em, app }) => {
      const { apiToken, token } = await batch(em, async () => {
        const org = await makeOrg(em)
        const project = await makeProject(em, { org })
        const { apiToken, token } = await makeApiToken(em, { project })
        return { apiToken, token }
      })

      const response = await app.inject(upload(token, contentType, payload))

      expect(response.statusCode).toBe(400)
      const body = response.json<ErrorJson>()
      expect(body.error).toBe('invalid_upload')
      expect(body.issues).toHaveLength(1)
      expect(body.issues?.[0]?.reason).toMatch(reason)
      expect(body.message).toMatch(reason)
      await asSystem(em)
      em.clear()
      expect(await em.count(Upload, {})).toBe(0)
      expect((await em.findOneOrFail(ApiToken, apiToken.id)).lastUsedAt).toBeNull()
    },
  )

  test.for(FIELD_REFUSALS)(
    'names the field at fault for %s',
    async ([, contentType, payload, field], { em, app }) => {
      const { token } = await batch(em, async () => {
        const org = await makeOrg(em)
        const project = await makeProject(em, { org })
        const { token } = await makeApiToken(em, { project })
        return { token }
      })

      const response = await app.inject(upload(token, contentType, payload))

      expect(response.statusCode).toBe(400)
      const body = response.json<ErrorJson>()
      expect(body.issues?.map((issue) => issue.field)).toEqual([field])
      expect(body.message).toContain(`${field} `)
    },
  )

  test.for(WHOLE_BODY_REFUSALS)(
    'names the whole body, field "body", for %s',
    async ([, contentType, payload, field], { em, app }) => {
      const { token } = await batch(em, async () => {
        const org = await makeOrg(em)
        const project = await makeProject(em, { org })
        const { token } = await makeApiToken(em, { project })
        return { token }
      })

      const response = await app.inject(upload(token, contentType, payload))

      expect(response.statusCode).toBe(400)
      expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual([field])
    },
  )

  test('answers 400 naming headers.content-type for a request without a body', async ({
    em,
    app,
  }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })

    const response = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: { authorization: `Bearer ${token}` },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorJson>().issues?.map((issue) => issue.field)).toEqual([
      'headers.content-type',
    ])
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('answers 415 for text/plain and stores nothing', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })

    const response = await app.inject(upload(token, 'text/plain', TIMINGS))

    expect(response.statusCode).toBe(415)
    const body = response.json<ErrorJson>()
    expect(body.error).toBe('unsupported_media_type')
    expect(body.message).toContain('text/plain')
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('accepts a body of exactly the size limit', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })
    const payload = timingsOfSize(LIMIT)

    const response = await app.inject(upload(token, 'application/json', payload))

    expect(response.statusCode).toBe(202)
    await asSystem(em)
    const stored = await em.findOneOrFail(Upload, response.json<{ id: string }>().id)
    expect(stored.sizeBytes).toBe(LIMIT)
  })

  test('answers 413 naming the limit for a body one byte over it, and stores nothing', async ({
    em,
    app,
  }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })

    const response = await app.inject(upload(token, 'application/json', timingsOfSize(LIMIT + 1)))

    expect(response.statusCode).toBe(413)
    const body = response.json<ErrorJson>()
    expect(body.error).toBe('payload_too_large')
    expect(body.message).toContain(String(LIMIT))
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('answers 413 for an oversized JUnit XML body too', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })
    const payload = JUNIT + ' '.repeat(LIMIT)

    const response = await app.inject(upload(token, 'text/xml', payload))

    expect(response.statusCode).toBe(413)
    expect(response.json<ErrorJson>().message).toContain(String(LIMIT))
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })
})

describe('POST /api/uploads authentication', { tags: ['integration', 'security'] }, () => {
  test('answers 401 without a token and stores nothing', async ({ em, app }) => {
    const response = await app.inject(upload(undefined, 'application/json', TIMINGS))

    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer')
    expect(response.json()).toMatchObject({ error: 'unauthorized' })
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test("answers 401 to a user's access token, telling that uploads need a project token", async ({
    em,
    app,
    signIn,
  }) => {
    const { admin } = await batch(em, async () => {
      const org = await makeOrg(em)
      const admin = await makeUser(em, { org, role: 'admin' })
      await makeProject(em, { org })
      return { admin }
    })
    const { authorization } = await signIn(admin)

    const response = await app.inject({
      ...upload(undefined, 'application/json', TIMINGS),
      headers: { authorization, 'content-type': 'application/json' },
    })

    expect(response.statusCode).toBe(401)
    expect(response.json<ErrorJson>().message).toMatch(/uploads need a project token/)
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('answers 401 to an unknown project token', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })
    // same shape and prefix as a real token, one character changed
    const unknown = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')

    const response = await app.inject(upload(unknown, 'application/json', TIMINGS))

    expect(response.statusCode).toBe(401)
    expect(response.json<ErrorJson>().message).toMatch(/not known/)
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('answers 401 to a revoked project token', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project, revoked: true })
      return { token }
    })

    const response = await app.inject(upload(token, 'application/json', TIMINGS))

    expect(response.statusCode).toBe(401)
    expect(response.json<ErrorJson>().message).toMatch(/revoked/)
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })

  test('answers 401 to an Authorization header that is not Bearer', async ({ em, app }) => {
    const { token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { token }
    })

    const response = await app.inject({
      ...upload(undefined, 'application/json', TIMINGS),
      headers: { authorization: `Basic ${token}`, 'content-type': 'application/json' },
    })

    expect(response.statusCode).toBe(401)
    await asSystem(em)
    expect(await em.count(Upload, {})).toBe(0)
  })
})

describe('GET /api/projects/:projectId/uploads/:uploadId', { tags: ['integration'] }, () => {
  test('answers the status of an upload just sent', async ({ em, app, signIn }) => {
    const { viewer, project, token } = await batch(em, async () => {
      const org = await makeOrg(em)
      const viewer = await makeUser(em, { org, role: 'viewer' })
      const project = await makeProject(em, { org })
      const { token } = await makeApiToken(em, { project })
      return { viewer, project, token }
    })
    const sent = await app.inject(upload(token, 'text/xml', JUNIT))
    const { id } = sent.json<{ id: string }>()

    const response = await app.inject({
      url: `/api/projects/${project.id}/uploads/${id}`,
      headers: await signIn(viewer),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      id,
      status: 'queued',
      reason: null,
      contentType: 'text/xml',
      sizeBytes: Buffer.byteLength(JUNIT),
      startedAt: null,
      finishedAt: null,
    })
    expect(response.json()).not.toHaveProperty('body')
  })

  test('answers why an upload failed', async ({ em, app, signIn }) => {
    const { user, project } = await makeOrgWithProject(em)
    const startedAt = new Date('2025-05-01T10:00:00.000Z')
    const failed = await makeUpload(em, {
      project,
      status: 'failed',
      reason: 'tests[0].durationMs must be a number',
      startedAt,
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/uploads/${failed.id}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      id: failed.id,
      status: 'failed',
      reason: 'tests[0].durationMs must be a number',
      contentType: 'application/json',
      sizeBytes: failed.sizeBytes,
      createdAt: failed.createdAt.toISOString(),
      startedAt: '2025-05-01T10:00:00.000Z',
      finishedAt: null,
    })
  })

  test(
    "answers 404 for another organization's upload without telling its reason",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { admin, theirs } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const theirs = await makeProject(em, { org: other })
        return { admin, theirs }
      })
      const theirUpload = await makeUpload(em, {
        project: theirs,
        status: 'failed',
        reason: 'globex internal detail',
      })

      const response = await app.inject({
        url: `/api/projects/${theirs.id}/uploads/${theirUpload.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
      expect(response.body).not.toContain('globex internal detail')
    },
  )

  test(
    "answers 404 for an upload of another organization's project under one's own project",
    {
      tags: ['security'],
    },
    async ({ em, app, signIn }) => {
      const { admin, mine, theirUpload } = await batch(em, async () => {
        const org = await makeOrg(em)
        const other = await makeOrg(em)
        const admin = await makeUser(em, { org, role: 'admin' })
        const mine = await makeProject(em, { org })
        const theirs = await makeProject(em, { org: other })
        const theirUpload = await makeUpload(em, { project: theirs })
        return { admin, mine, theirUpload }
      })

      const response = await app.inject({
        url: `/api/projects/${mine.id}/uploads/${theirUpload.id}`,
        headers: await signIn(admin),
      })

      expect(response.statusCode).toBe(404)
    },
  )

  test('answers 404 for an upload of a sibling project', async ({ em, app, signIn }) => {
    const { user, project, siblingUpload } = await batch(em, async () => {
      const org = await makeOrg(em)
      const user = await makeUser(em, { org })
      const project = await makeProject(em, { org })
      const sibling = await makeProject(em, { org })
      const siblingUpload = await makeUpload(em, { project: sibling })
      return { user, project, siblingUpload }
    })

    const response = await app.inject({
      url: `/api/projects/${project.id}/uploads/${siblingUpload.id}`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(404)
  })

  test('answers 400 naming params.uploadId for a malformed id', async ({ em, app, signIn }) => {
    const { user, project } = await makeOrgWithProject(em)

    const response = await app.inject({
      url: `/api/projects/${project.id}/uploads/nope`,
      headers: await signIn(user),
    })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ issues: [{ field: 'params.uploadId' }] })
  })
})
