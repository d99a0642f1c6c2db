import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase } from '@suitekit/insights'
import { createLifespan } from '@suitekit/lifespan'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'
import { TEST_CONFIG } from './support/test-config.ts'

// The lifespan states need a lifespan of their own: these tests do not use the shared test app.
describe('GET /health', { tags: ['integration'] }, () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-health-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  function build() {
    const database = createDatabase({ file: join(dir, 'data', 'insights.sqlite') })
    const lifespan = createLifespan([database])
    const app = createApp({ lifespan, config: TEST_CONFIG, database })
    return { app, lifespan }
  }

  it('answers 503 with the lifespan state before the lifespan is ready', async () => {
    const { app } = build()
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'idle' })
  })

  it('answers 200 once the lifespan has started and the SQLite database answers', async () => {
    const { app, lifespan } = build()
    await lifespan.start()
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', database: 'ok' })
    await app.close()
    await lifespan.stop()
  })

  it('answers 503 after the lifespan has stopped', async () => {
    const { app, lifespan } = build()
    await lifespan.start()
    await lifespan.stop()
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'stopped' })
  })

  it('answers 503 when the database does not answer, without its error', async () => {
    const lifespan = createLifespan([])
    await lifespan.start()
    const failing = {
      get orm(): never {
        throw new Error('not used')
      },
      ping: () => Promise.reject(new Error('SQLITE_CANTOPEN')),
    }
    const app = createApp({ lifespan, config: TEST_CONFIG, database: failing })
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'ready', database: 'unavailable' })
    expect(res.body).not.toContain('SQLITE_CANTOPEN')
  })
})
