import Fastify, { type FastifyInstance } from 'fastify'
import type { Lifespan } from '@suitekit/lifespan'

/** What the app needs from the outside; tests pass their own. */
export interface AppOptions {
  /** Owns the app's resources; `/health` reports its state. */
  lifespan: Lifespan
  /** Throws when the database cannot answer. */
  pingDatabase: () => Promise<void>
  /** Fastify logger setting. @default false */
  logger?: boolean
}

/** Builds the Insights API. No side effects: nothing listens until the caller says so. */
export function createApp({ lifespan, pingDatabase, logger = false }: AppOptions): FastifyInstance {
  const app = Fastify({ logger })

  app.get('/health', async (_request, reply) => {
    const state = lifespan.state
    if (state !== 'ready') return reply.code(503).send({ status: state })
    try {
      await pingDatabase()
    } catch (error) {
      app.log.error({ err: error }, 'health check: database did not answer')
      return reply.code(503).send({ status: state, database: 'unavailable' })
    }
    return { status: state, database: 'ok' }
  })

  return app
}
