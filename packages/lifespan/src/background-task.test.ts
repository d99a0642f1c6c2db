import { afterEach, describe, expect, it, vi } from 'vitest'
import { periodicTask, type BackgroundTask } from './background-task.js'
import { createLifespan } from './lifespan.js'

/** A task that runs until aborted and records what happened to it. */
function loop(name: string, log: string[]): BackgroundTask {
  return {
    name,
    run: (signal) =>
      new Promise<void>((resolve) => {
        log.push(`${name} started`)
        signal.addEventListener('abort', () => {
          log.push(`${name} aborted`)
          resolve()
        })
      }),
  }
}

describe('background tasks', () => {
  afterEach(() => vi.useRealTimers())

  it('starts every task after the resources, and aborts them all before stopping the resources', async () => {
    const log: string[] = []
    const lifespan = createLifespan({
      resources: [
        { name: 'db', start: () => void log.push('db up'), stop: () => void log.push('db down') },
      ],
      tasks: [loop('retention', log), loop('watchdog', log)],
    })
    await lifespan.start()
    expect(lifespan.tasks.map((t) => [t.name, t.started, t.ended])).toEqual([
      ['retention', true, false],
      ['watchdog', true, false],
    ])
    const report = await lifespan.stop()
    expect(log).toEqual([
      'db up',
      'retention started',
      'watchdog started',
      'retention aborted',
      'watchdog aborted',
      'db down',
    ])
    expect(lifespan.tasks.every((t) => t.ended)).toBe(true)
    expect(report.parts.map((p) => [p.name, p.kind, p.overran])).toEqual([
      ['retention', 'task', false],
      ['watchdog', 'task', false],
      ['db', 'resource', false],
    ])
  })

  it('starts no task in test mode (background: false)', async () => {
    const log: string[] = []
    const lifespan = createLifespan({ tasks: [loop('retention', log)] })
    await lifespan.start({ background: false })
    expect(lifespan.state).toBe('ready')
    expect(lifespan.tasks).toEqual([
      { name: 'retention', started: false, ended: false, restarts: 0 },
    ])
    await lifespan.stop()
    expect(log).toEqual([])
  })

  it('runs one tick of a periodic task on demand in manual mode, with no timer', async () => {
    const tick = vi.fn(() => Promise.resolve())
    const lifespan = createLifespan({ tasks: [periodicTask('retention', 60_000, tick)] })
    await lifespan.start({ background: 'manual' })
    await lifespan.tick('retention')
    await lifespan.tick('retention')
    expect(tick).toHaveBeenCalledTimes(2)
    await expect(lifespan.tick('other')).rejects.toThrow("no background task is named 'other'")
    await lifespan.stop()
  })

  it('refuses a manual tick outside manual mode, or of a task that is not periodic', async () => {
    const lifespan = createLifespan({
      tasks: [loop('watchdog', []), periodicTask('retention', 10, () => Promise.resolve())],
    })
    await lifespan.start({ background: false })
    await expect(lifespan.tick('retention')).rejects.toThrow(
      "tick('retention') needs start({ background: 'manual' })",
    )
    await lifespan.stop()
    const manual = createLifespan({ tasks: [loop('watchdog', [])] })
    await manual.start({ background: 'manual' })
    await expect(manual.tick('watchdog')).rejects.toThrow("task 'watchdog' is not periodic")
  })

  it('stops within the timeout when a task ignores abort, naming it and how long it was waited for', async () => {
    const lifespan = createLifespan({
      tasks: [{ name: 'stubborn', run: () => new Promise<void>(() => {}) }],
    })
    await lifespan.start()
    const started = performance.now()
    const error: unknown = await lifespan.stop({ timeoutMs: 100 }).catch((e: unknown) => e)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as Error).message).toMatch(
      /^lifespan stopped with 1 error\(s\): task 'stubborn' did not stop within 100 ms \(waited \d+ ms\)$/,
    )
    expect(lifespan.state).toBe('stopped')
  })

  it('restarts a crashing task with exponential backoff, then fails the lifespan when out of restarts', async () => {
    vi.useFakeTimers()
    const attempts: number[] = []
    const db = { name: 'db', start: vi.fn(), stop: vi.fn() }
    const lifespan = createLifespan({
      resources: [db],
      tasks: [
        {
          name: 'consumer',
          onCrash: { restart: { maxRestarts: 3, initialDelayMs: 100 } },
          run: () => {
            attempts.push(Date.now())
            return Promise.reject(new Error('queue unreachable'))
          },
        },
      ],
    })
    const start = Date.now()
    await lifespan.start()
    await vi.advanceTimersByTimeAsync(1000)
    expect(attempts.map((t) => t - start)).toEqual([0, 100, 300, 700])
    await expect(lifespan.done).rejects.toThrow(
      "background task 'consumer' crashed 4 times; stopping the lifespan",
    )
    expect(lifespan.state).toBe('stopped')
    expect(db.stop).toHaveBeenCalledOnce()
    expect(lifespan.tasks[0]).toMatchObject({ restarts: 3, ended: true })
  })

  it("fails the lifespan at the first crash with onCrash: 'fail'", async () => {
    const lifespan = createLifespan({
      tasks: [{ name: 'critical', onCrash: 'fail', run: () => Promise.reject(new Error('boom')) }],
    })
    await lifespan.start()
    const error: unknown = await lifespan.done.catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      "background task 'critical' crashed; stopping the lifespan",
    )
    expect((error as Error).cause).toMatchObject({ message: 'boom' })
  })

  it('treats a task that returns on its own as a crash', async () => {
    const lifespan = createLifespan({
      tasks: [{ name: 'quitter', onCrash: 'fail', run: () => Promise.resolve() }],
    })
    await lifespan.start()
    await expect(lifespan.done).rejects.toThrow("background task 'quitter' crashed")
  })
})

describe('periodicTask', () => {
  afterEach(() => vi.useRealTimers())

  it('runs a tick every interval, never two at once, until stopped', async () => {
    vi.useFakeTimers()
    let running = 0
    let most = 0
    const ticks: number[] = []
    const start = Date.now()
    const task = periodicTask('retention', 100, async () => {
      running++
      most = Math.max(most, running)
      ticks.push(Date.now() - start)
      await new Promise((r) => setTimeout(r, 150)) // a tick longer than the interval
      running--
    })
    const lifespan = createLifespan({ tasks: [task] })
    await lifespan.start()
    await vi.advanceTimersByTimeAsync(800)
    expect(ticks).toEqual([100, 350, 600])
    expect(most).toBe(1)
    const stopping = lifespan.stop()
    await vi.advanceTimersByTimeAsync(200)
    await stopping
  })

  it('runs the first tick at once with runImmediately, and rejects a bad interval', () => {
    const tick = vi.fn(() => Promise.resolve())
    const controller = new AbortController()
    void periodicTask('t', 1000, tick, { runImmediately: true }).run(controller.signal)
    controller.abort()
    expect(tick).toHaveBeenCalledOnce()
    expect(() => periodicTask('t', 0, tick)).toThrow(
      "task 't': the interval must be a positive number of ms, got 0",
    )
  })
})
