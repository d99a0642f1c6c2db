import { createDatabase } from '@suitekit/insights'
import { createLifespan } from '@suitekit/lifespan'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'
import { TEST_CONFIG } from './support/test-config.ts'

// The lifespan states need a lifespan of their own: these tests do not use the shared test app.
// A lifespan runs once (idle, ready, stopped), so one test follows one through its states.
describe('GET /health', { tags: ['integration'] }, () => {
  it('follows the lifespan: 503 before it is ready, 200 while it is and the database answers, 503 once stopped', async () => {
    const database = createDatabase({ file: ':memory:' })
    const lifespan = createLifespan([database])
    const app = createApp({ lifespan, config: TEST_CONFIG, database })
    const health = async () => {
      const res = await app.inject({ method: 'GET', url: '/health' })
      return { status: res.statusCode, body: res.json<unknown>() }
    }

    expect(await health()).toEqual({ status: 503, body: { status: 'idle' } })

    await lifespan.start()
    expect(await health()).toEqual({ status: 200, body: { status: 'ready', database: 'ok' } })

    await lifespan.stop()
    expect(await health()).toEqual({ status: 503, body: { status: 'stopped' } })
    await app.close()
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
    await app.close()
    await lifespan.stop()
  })
})
