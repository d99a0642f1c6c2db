/** A resource the lifespan owns: started in declaration order, stopped in reverse. */
export interface Resource {
  /** Shown in errors and timings. */
  name: string
  start(): void | Promise<void>
  stop(): void | Promise<void>
}

/** Where a lifespan is: for health checks. */
export type LifespanState = 'idle' | 'starting' | 'ready' | 'stopping' | 'stopped'

/** A lifespan: resources started in order and stopped in reverse, every stop error collected. */
export interface Lifespan {
  /** Current state, for readiness checks. */
  readonly state: LifespanState
  /** Starts every resource in order; if one fails, stops the ones already started and rethrows. */
  start(): Promise<void>
  /** Stops started resources in reverse order; throws an `AggregateError` naming each failure. */
  stop(): Promise<void>
}

/**
 * Creates a lifespan over the given resources.
 *
 * @example
 * const lifespan = createLifespan([{ name: 'db', start: () => db.connect(), stop: () => db.close() }])
 * await lifespan.start()
 * await lifespan.stop()
 */
export function createLifespan(resources: readonly Resource[]): Lifespan {
  let state: LifespanState = 'idle'
  const started: Resource[] = []

  async function stopStarted(): Promise<Error[]> {
    const errors: Error[] = []
    for (const resource of started.splice(0).reverse()) {
      try {
        await resource.stop()
      } catch (cause) {
        errors.push(new Error(`resource '${resource.name}' failed to stop`, { cause }))
      }
    }
    return errors
  }

  return {
    get state() {
      return state
    },
    async start() {
      if (state !== 'idle') throw new Error(`cannot start a lifespan that is ${state}`)
      state = 'starting'
      for (const resource of resources) {
        try {
          await resource.start()
        } catch (cause) {
          const stopErrors = await stopStarted()
          state = 'stopped'
          throw new AggregateError(
            [new Error(`resource '${resource.name}' failed to start`, { cause }), ...stopErrors],
            `lifespan failed to start: resource '${resource.name}' threw`,
            { cause },
          )
        }
        started.push(resource)
      }
      state = 'ready'
    },
    async stop() {
      if (state === 'stopped' || state === 'stopping') return
      state = 'stopping'
      const errors = await stopStarted()
      state = 'stopped'
      if (errors.length > 0) {
        const names = errors.map((e) => e.message).join('; ')
        throw new AggregateError(
          errors,
          `lifespan stopped with ${errors.length} error(s): ${names}`,
        )
      }
    },
  }
}
