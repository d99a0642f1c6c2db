import { describe, expect, it } from 'vitest'
import { createLifespan, type Resource, type StopReport } from './lifespan.js'

function recorder() {
  const events: string[] = []
  const resource = (name: string, fail?: 'start' | 'stop'): Resource => ({
    name,
    start() {
      if (fail === 'start') throw new Error(`${name} cannot start`)
      events.push(`start ${name}`)
    },
    async stop() {
      await Promise.resolve()
      if (fail === 'stop') throw new Error(`${name} cannot stop`)
      events.push(`stop ${name}`)
    },
  })
  return { events, resource }
}

describe('createLifespan', () => {
  it('starts resources in order and stops them in reverse', async () => {
    const { events, resource } = recorder()
    const lifespan = createLifespan([resource('db'), resource('cache'), resource('http')])
    expect(lifespan.state).toBe('idle')
    await lifespan.start()
    expect(lifespan.state).toBe('ready')
    await lifespan.stop()
    expect(lifespan.state).toBe('stopped')
    expect(events).toEqual([
      'start db',
      'start cache',
      'start http',
      'stop http',
      'stop cache',
      'stop db',
    ])
  })

  it('stops the resources already started when one fails to start', async () => {
    const { events, resource } = recorder()
    const lifespan = createLifespan([resource('db'), resource('cache', 'start'), resource('http')])
    await expect(lifespan.start()).rejects.toThrow("resource 'cache' threw")
    expect(events).toEqual(['start db', 'stop db'])
    expect(lifespan.state).toBe('stopped')
  })

  it('stops every resource and reports each one that failed', async () => {
    const { events, resource } = recorder()
    const lifespan = createLifespan([
      resource('db', 'stop'),
      resource('cache'),
      resource('http', 'stop'),
    ])
    await lifespan.start()
    const error: unknown = await lifespan.stop().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "resource 'http' failed to stop",
      "resource 'db' failed to stop",
    ])
    expect(events).toEqual(['start db', 'start cache', 'start http', 'stop cache'])
  })

  it('names a resource that overruns the stop deadline, with how long it was waited for, and stops the rest', async () => {
    const events: string[] = []
    const lifespan = createLifespan([
      { name: 'db', start() {}, stop: () => void events.push('db down') },
      { name: 'slow-cache', start() {}, stop: () => new Promise<void>(() => {}) },
    ])
    await lifespan.start()
    const error: unknown = await lifespan.stop({ timeoutMs: 80 }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(
      /^lifespan stopped with 1 error\(s\): resource 'slow-cache' did not stop within 80 ms \(waited \d+ ms\)$/,
    )
    const { report } = error as { report: StopReport }
    expect(report.parts.map((p) => [p.name, p.overran])).toEqual([
      ['slow-cache', true],
      ['db', false],
    ])
    expect(events).toEqual(['db down'])
  })

  it('refuses to start twice', async () => {
    const lifespan = createLifespan([])
    await lifespan.start()
    await expect(lifespan.start()).rejects.toThrow('cannot start a lifespan that is ready')
  })
})
