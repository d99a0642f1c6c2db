import { sleep, type BackgroundTask } from './background-task.js'

/** A resource the lifespan owns: started in declaration order, stopped in reverse. */
export interface Resource {
  /** Shown in errors and timings. */
  name: string
  start(): void | Promise<void>
  stop(): void | Promise<void>
}

/** Where a lifespan is: for health checks. */
export type LifespanState = 'idle' | 'starting' | 'ready' | 'stopping' | 'stopped'

/** What a lifespan owns. */
export interface LifespanOptions {
  resources?: readonly Resource[] | undefined
  tasks?: readonly BackgroundTask[] | undefined
}

/** Options of {@link Lifespan.start}. */
export interface StartOptions {
  /**
   * `true`: start the background tasks. `false` (test mode): start none. `'manual'`: start none, and
   * let `tick(name)` run one tick of a periodic task on demand.
   * @default true
   */
  background?: boolean | 'manual'
}

/** Options of {@link Lifespan.stop}. */
export interface StopOptions {
  /** The whole stop (tasks, then resources) returns within this long. @default 10_000 */
  timeoutMs?: number
}

/** What the lifespan knows about one background task. */
export interface TaskStatus {
  readonly name: string
  /** Whether it was started (never in test or manual mode). */
  readonly started: boolean
  /** Whether it has ended (returned or thrown for good). */
  readonly ended: boolean
  /** Times it was restarted after a crash. */
  readonly restarts: number
}

/** How long each part took to stop; `overran` when it missed the deadline. */
export interface StopReport {
  parts: { name: string; kind: 'task' | 'resource'; ms: number; overran: boolean }[]
}

/** Resources started in order and stopped in reverse, and supervised background tasks. */
export interface Lifespan {
  /** Current state, for readiness checks. */
  readonly state: LifespanState
  /** Each background task's status, for introspection in tests and health checks. */
  readonly tasks: readonly TaskStatus[]
  /** Settles once the lifespan has stopped; rejects with the cause when it failed (a task crashed for good). */
  readonly done: Promise<void>
  /** Starts the resources in order (if one fails, stops the ones already started), then the tasks. */
  start(options?: StartOptions): Promise<void>
  /**
   * Aborts the tasks and waits for them, then stops the resources in reverse, all within the
   * timeout. Throws an `AggregateError` naming every part that failed or overran (with its time).
   */
  stop(options?: StopOptions): Promise<StopReport>
  /** Manual mode: runs one tick of the periodic task `name`. */
  tick(name: string): Promise<void>
}

const DEFAULT_STOP_TIMEOUT_MS = 10_000

interface Supervised extends TaskStatus {
  started: boolean
  ended: boolean
  restarts: number
  task: BackgroundTask
  running?: Promise<void>
}

/**
 * Creates a lifespan over resources (and background tasks).
 *
 * @example
 * const lifespan = createLifespan({ resources: [database], tasks: [periodicTask('retention', 60_000, prune)] })
 * await lifespan.start({ background: false }) // test mode: resources only
 * await lifespan.stop()
 */
export function createLifespan(owned: readonly Resource[] | LifespanOptions): Lifespan {
  const { resources = [], tasks = [] }: LifespanOptions = isResourceList(owned)
    ? { resources: owned }
    : owned
  const names = new Set<string>()
  for (const { name } of [...resources, ...tasks]) {
    if (names.has(name)) throw new Error(`two parts of the lifespan are named '${name}'`)
    names.add(name)
  }
  let state: LifespanState = 'idle'
  let mode: StartOptions['background'] = true
  let failure: Error | undefined
  let stopping: Promise<StopReport> | undefined
  const started: Resource[] = []
  const supervised: Supervised[] = tasks.map((task) => ({
    name: task.name,
    task,
    started: false,
    ended: false,
    restarts: 0,
  }))
  const controller = new AbortController()
  let settle!: { resolve: () => void; reject: (error: Error) => void }
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  done.catch(() => {}) // failures are also thrown by start/stop; an unobserved `done` is fine

  async function supervise(entry: Supervised): Promise<void> {
    const policy = entry.task.onCrash ?? { restart: {} }
    for (;;) {
      try {
        await entry.task.run(controller.signal)
        if (controller.signal.aborted) return
        throw new Error(`background task '${entry.name}' returned before the lifespan stopped`)
      } catch (error) {
        if (controller.signal.aborted) return
        const limit = policy === 'fail' ? 0 : (policy.restart.maxRestarts ?? 5)
        if (entry.restarts >= limit) {
          const reason = policy === 'fail' ? 'crashed' : `crashed ${entry.restarts + 1} times`
          fail(
            new Error(`background task '${entry.name}' ${reason}; stopping the lifespan`, {
              cause: error,
            }),
          )
          return
        }
        entry.restarts++
        if (policy !== 'fail') {
          const { initialDelayMs = 100, maxDelayMs = 30_000 } = policy.restart
          await sleep(
            Math.min(initialDelayMs * 2 ** (entry.restarts - 1), maxDelayMs),
            controller.signal,
          )
        }
        if (controller.signal.aborted) return
      }
    }
  }

  function fail(error: Error): void {
    failure ??= error
    void lifespan.stop().catch(() => {})
  }

  /**
   * Aborts the tasks and waits for them, then stops the started resources in reverse, all by one
   * deadline; returns each part's timing and every error. Used by stop() and by a failed start.
   */
  async function stopParts(timeoutMs: number): Promise<{ report: StopReport; errors: Error[] }> {
    const deadline = Date.now() + timeoutMs
    const report: StopReport = { parts: [] }
    const errors: Error[] = []
    controller.abort()
    const timed = async (name: string, kind: 'task' | 'resource', work: Promise<unknown>) => {
      const begun = Date.now()
      const outcome = await settleBy(work, deadline)
      const ms = Date.now() - begun
      report.parts.push({ name, kind, ms, overran: outcome === 'overran' })
      if (outcome === 'overran')
        errors.push(
          new Error(`${kind} '${name}' did not stop within ${timeoutMs} ms (waited ${ms} ms)`),
        )
      else if (outcome !== 'ok')
        errors.push(new Error(`${kind} '${name}' failed to stop`, { cause: outcome.error }))
    }
    await Promise.all(
      supervised.flatMap((t) => (t.running ? [timed(t.name, 'task', t.running)] : [])),
    )
    for (const resource of started.splice(0).reverse()) {
      await timed(
        resource.name,
        'resource',
        Promise.resolve().then(() => resource.stop()),
      )
    }
    state = 'stopped'
    return { report, errors }
  }

  async function stopAll(timeoutMs: number): Promise<StopReport> {
    const { report, errors } = await stopParts(timeoutMs)
    if (failure) errors.unshift(failure)
    if (failure) settle.reject(failure)
    else settle.resolve()
    if (errors.length > 0) {
      throw Object.assign(
        new AggregateError(
          errors,
          `lifespan stopped with ${errors.length} error(s): ${errors.map((e) => e.message).join('; ')}`,
        ),
        { report },
      )
    }
    return report
  }

  const lifespan: Lifespan = {
    get state() {
      return state
    },
    get tasks() {
      return supervised.map(({ name, started: s, ended, restarts }) => ({
        name,
        started: s,
        ended,
        restarts,
      }))
    },
    done,
    async start({ background = true } = {}) {
      if (state !== 'idle') throw new Error(`cannot start a lifespan that is ${state}`)
      state = 'starting'
      mode = background
      for (const resource of resources) {
        try {
          await resource.start()
        } catch (cause) {
          // unwind what started, under the same deadline a stop() has: a start never hangs either
          const { errors: stopErrors } = await stopParts(DEFAULT_STOP_TIMEOUT_MS)
          const error = new AggregateError(
            [new Error(`resource '${resource.name}' failed to start`, { cause }), ...stopErrors],
            `lifespan failed to start: resource '${resource.name}' threw`,
            { cause },
          )
          settle.reject(error)
          throw error
        }
        started.push(resource)
      }
      state = 'ready'
      if (background !== true) return
      for (const entry of supervised) {
        entry.started = true
        entry.running = supervise(entry).finally(() => {
          entry.ended = true
        })
      }
    },
    stop({ timeoutMs = DEFAULT_STOP_TIMEOUT_MS } = {}) {
      if (state === 'idle') {
        state = 'stopped'
        settle.resolve()
        return Promise.resolve({ parts: [] })
      }
      stopping ??= ((state = 'stopping'), stopAll(timeoutMs))
      return stopping
    },
    async tick(name) {
      const entry = supervised.find((t) => t.name === name)
      if (!entry) throw new Error(`no background task is named '${name}'`)
      if (mode !== 'manual')
        throw new Error(`tick('${name}') needs start({ background: 'manual' })`)
      if (!entry.task.tick) throw new Error(`task '${name}' is not periodic: it has no tick to run`)
      await entry.task.tick(controller.signal)
    },
  }
  return lifespan
}

/** The older form, `createLifespan([resources])`. */
function isResourceList(
  owned: readonly Resource[] | LifespanOptions,
): owned is readonly Resource[] {
  return Array.isArray(owned)
}

/** Waits for `work` until `deadline` (epoch ms). */
async function settleBy(
  work: Promise<unknown>,
  deadline: number,
): Promise<'ok' | 'overran' | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), Math.max(0, deadline - Date.now()))
  })
  try {
    return await Promise.race([
      work.then(
        () => 'ok' as const,
        (error: unknown) => ({ error }),
      ),
      late,
    ])
  } finally {
    clearTimeout(timer)
  }
}
