/** What to do when a background task throws (or returns before it was asked to stop). */
export type CrashPolicy =
  | {
      /** Run it again after a delay that doubles each time, up to `maxDelayMs`. */
      restart: {
        /** Restarts before the lifespan fails instead. @default 5 */
        maxRestarts?: number
        /** @default 100 */
        initialDelayMs?: number
        /** @default 30_000 */
        maxDelayMs?: number
      }
    }
  | 'fail'

/** A long-running function the lifespan starts after its resources and aborts on stop. */
export interface BackgroundTask {
  /** Shown in introspection, errors and stop timings. */
  name: string
  /** Runs until `signal` aborts; should then return promptly. */
  run(signal: AbortSignal): Promise<void>
  /** @default { restart: {} } */
  onCrash?: CrashPolicy | undefined
  /** For periodic tasks: one tick, which a test can run on demand in manual mode. */
  tick?: ((signal: AbortSignal) => Promise<void>) | undefined
}

/** Options of {@link periodicTask}. */
export interface PeriodicTaskOptions {
  /** Run a first tick right away instead of after one interval. @default false */
  runImmediately?: boolean
  /** @default { restart: {} } */
  onCrash?: CrashPolicy | undefined
}

/**
 * A task that runs `tick` every `intervalMs`, never two ticks at once (the next interval starts
 * when a tick ends), until stopped.
 *
 * @example
 * periodicTask('retention', 60_000, (signal) => deleteOldRuns(signal))
 */
export function periodicTask(
  name: string,
  intervalMs: number,
  tick: (signal: AbortSignal) => Promise<void>,
  { runImmediately = false, onCrash }: PeriodicTaskOptions = {},
): BackgroundTask {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(
      `task '${name}': the interval must be a positive number of ms, got ${intervalMs}`,
    )
  }
  return {
    name,
    onCrash,
    tick,
    async run(signal) {
      if (runImmediately) await tick(signal)
      while (!signal.aborted) {
        await sleep(intervalMs, signal)
        if (signal.aborted) return
        await tick(signal)
      }
    },
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
