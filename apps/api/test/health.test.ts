import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLifespan } from '@suitekit/lifespan'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'
import { createDatabase } from '@suitekit/insights'

describe('GET /health', () => {
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
    const app = createApp({ lifespan, pingDatabase: () => database.ping() })
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

  it('answers 503 when the database does not answer', async () => {
    const lifespan = createLifespan([])
    await lifespan.start()
    const app = createApp({
      lifespan,
      pingDatabase: () => Promise.reject(new Error('SQLITE_CANTOPEN')),
    })
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'ready', database: 'unavailable' })
    expect(res.body).not.toContain('SQLITE_CANTOPEN')
  })
})
