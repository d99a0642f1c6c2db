import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import type { DatabaseResource } from '@suitekit/insights'
import { Type } from 'typebox'
import type { AppContext } from './app-context.ts'

const HealthBody = Type.Object({
  status: Type.String({ description: "the lifespan's state: ready when serving" }),
  database: Type.Optional(Type.String()),
})

/** `GET /health`: 200 when the lifespan is ready and the database answers, else 503. */
export function healthRoutes(
  context: AppContext,
  database: Pick<DatabaseResource, 'ping'>,
): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/health',
      {
        schema: {
          summary: 'Readiness: the lifespan state and whether the database answers',
          tags: ['health'],
          response: { 200: HealthBody, 503: HealthBody },
        },
      },
      async (request, reply) => {
        const status = context.lifespan.state
        if (status !== 'ready') return reply.code(503).send({ status })
        try {
          await database.ping()
        } catch (error) {
          request.log.error({ err: error }, 'health check: the database did not answer')
          return reply.code(503).send({ status, database: 'unavailable' })
        }
        return { status, database: 'ok' }
      },
    )
    done()
  }
}
