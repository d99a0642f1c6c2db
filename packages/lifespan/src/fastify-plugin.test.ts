import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { periodicTask } from './background-task.js'
import { lifespanPlugin } from './fastify-plugin.js'
import { createLifespan } from './lifespan.js'

describe('lifespanPlugin', () => {
  it('starts the lifespan when the app is readied (inject, no socket) and stops it on close', async () => {
    const events: string[] = []
    const lifespan = createLifespan({
      resources: [
        {
          name: 'db',
          start: () => void events.push('db up'),
          stop: () => void events.push('db down'),
        },
      ],
      tasks: [periodicTask('retention', 60_000, () => Promise.resolve())],
    })
    const app = Fastify()
    await app.register(lifespanPlugin(lifespan, { background: false }))
    app.get('/health', () => ({ status: lifespan.state }))
    const response = await app.inject({ url: '/health' })
    expect(response.json()).toEqual({ status: 'ready' })
    expect(lifespan.tasks[0]?.started).toBe(false) // test mode: no task
    await app.close()
    expect(lifespan.state).toBe('stopped')
    expect(events).toEqual(['db up', 'db down'])
  })

  it('starts the background tasks by default', async () => {
    const lifespan = createLifespan({
      tasks: [periodicTask('retention', 60_000, () => Promise.resolve())],
    })
    const app = Fastify()
    await app.register(lifespanPlugin(lifespan))
    await app.ready()
    expect(lifespan.tasks[0]).toMatchObject({ started: true, ended: false })
    await app.close()
    expect(lifespan.tasks[0]).toMatchObject({ ended: true })
  })
})
