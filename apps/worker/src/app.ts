import type { DatabaseResource } from '@suitekit/insights'
import { createLifespan, type Lifespan } from '@suitekit/lifespan'

/** What the worker needs from the outside; tests pass their own. */
export interface WorkerOptions {
  database: DatabaseResource
}

/** The Insights worker: its lifespan and a readiness check. No side effects. */
export interface Worker {
  lifespan: Lifespan
  /** True when the lifespan is ready and the database answers. */
  isHealthy(): Promise<boolean>
}

/** Builds the worker around its database. Nothing runs until `lifespan.start()`. */
export function createWorker({ database }: WorkerOptions): Worker {
  const lifespan = createLifespan([database])
  return {
    lifespan,
    async isHealthy() {
      if (lifespan.state !== 'ready') return false
      return database.ping().then(
        () => true,
        () => false,
      )
    },
  }
}
