import { randomUUID } from 'node:crypto'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DatabaseResource } from '@suitekit/insights'
import type { Lifespan } from '@suitekit/lifespan'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify'
import { createAccessTokens } from './auth/access-tokens.ts'
import { createAuthenticator } from './auth/authenticator.ts'
import type { ApiConfig } from './config.ts'
import { ErrorBody } from './http/error-body.ts'
import { installErrorHandling } from './http/error-handler.ts'
import type { AppContext } from './routes/app-context.ts'
import { healthRoutes } from './routes/health-routes.ts'
import { projectRoutes } from './routes/project-routes.ts'
import { runRoutes } from './routes/run-routes.ts'
import { sessionRoutes } from './routes/session-routes.ts'
import { statisticsRoutes } from './routes/statistics-routes.ts'
import { tokenRoutes } from './routes/token-routes.ts'
import { uploadRoutes } from './routes/upload-routes.ts'

/** What the app needs from the outside; tests pass their own. */
export interface AppOptions {
  /** Owns the app's resources and background tasks; `/health` reports its state. */
  lifespan: Lifespan
  config: ApiConfig
  /** The database: its `orm` is read per request (the lifespan opens it after the app is built). */
  database: Pick<DatabaseResource, 'orm' | 'ping'>
  /** Fastify's logger setting. @default false */
  logger?: FastifyServerOptions['logger']
  /** A logger of your own (pino-compatible), e.g. to capture log lines in a test. */
  loggerInstance?: FastifyBaseLogger
}

/** An incoming `x-request-id` is kept when it is this safe to log; otherwise a new one is made. */
const SAFE_REQUEST_ID = /^[\w.:-]{1,100}$/

/**
 * Builds the Insights API (routes under `/api`, `/health`, `/openapi.json`). No side effects:
 * nothing listens and nothing connects until the caller says so.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const { lifespan, config, database } = options
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? false }),
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        allErrors: true,
        coerceTypes: 'array',
        useDefaults: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  const tokens = createAccessTokens(config.auth)
  const orm = () => database.orm
  const context: AppContext = {
    config,
    lifespan,
    orm,
    tokens,
    auth: createAuthenticator(orm, tokens),
  }

  installErrorHandling(app)
  app.addSchema(ErrorBody)
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Insights API',
        version: '1.0.0',
        description:
          'Stores test-run timings; answers which tests are slow or flaky, how durations trend, and how to shard a suite.',
      },
      components: {
        securitySchemes: {
          accessToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'from POST /api/login',
          },
          projectToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'a project token (skp_…), for CI uploads',
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  })
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger())

  void app.register(healthRoutes(context, database))
  for (const routes of [
    sessionRoutes,
    projectRoutes,
    tokenRoutes,
    uploadRoutes,
    runRoutes,
    statisticsRoutes,
  ]) {
    void app.register(routes(context), { prefix: '/api' })
  }
  return app
}
