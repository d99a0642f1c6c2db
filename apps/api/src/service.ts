import { createDatabase, describeLocation, type DatabaseResource } from '@suitekit/insights'
import { createLifespan, type Lifespan, type Resource } from '@suitekit/lifespan'
import type { FastifyInstance } from 'fastify'
import { createApp } from './app.ts'
import type { ApiConfig } from './config.ts'
import { DEMO_CREDENTIALS, seedDemo } from './demo-seed.ts'
import { retentionTask } from './tasks/retention-task.ts'
import { uploadWatchdogTask } from './tasks/upload-watchdog-task.ts'

/** The whole service as `main.ts` runs it: the app, its database, and their lifespan. */
export interface Service {
  app: FastifyInstance
  lifespan: Lifespan
  database: DatabaseResource
}

/**
 * Wires the service: the database (migrated on start), the demo seed (when configured), the HTTP
 * listener (last to start, first to stop: no request arrives before the database is up or after it
 * is down), and the background tasks: retention and the stuck-upload watchdog.
 */
export function createService(
  config: ApiConfig,
  { log = console.log, logger = true }: { log?: (line: string) => void; logger?: boolean } = {},
): Service {
  const location = { url: config.databaseUrl, file: config.databaseFile }
  const database = createDatabase(location, {
    onMigrated: (names) => {
      if (names.length > 0) log(`applied migrations: ${names.join(', ')}`)
    },
  })
  const orm = () => database.orm
  let seeded = false
  const demo: Resource = {
    name: 'demo-seed',
    async start() {
      seeded = await seedDemo(orm())
    },
    stop() {},
  }
  const http: Resource = {
    name: 'http',
    async start() {
      const url = await app.listen({ host: config.host, port: config.port })
      log(`Insights API listening on ${url} (${describeLocation(location)})`)
      log(`  health: ${url}/health    OpenAPI: ${url}/openapi.json    stop: Ctrl-C`)
      if (config.seedDemo) {
        log(
          `  demo sign-in: ${DEMO_CREDENTIALS.email} / ${DEMO_CREDENTIALS.password}${seeded ? ' (created now)' : ''}`,
        )
        log(
          `    curl -s ${url}/api/login -H 'content-type: application/json' -d '${JSON.stringify(DEMO_CREDENTIALS)}'`,
        )
      }
    },
    stop: () => app.close(),
  }
  const lifespan = createLifespan({
    resources: [database, ...(config.seedDemo ? [demo] : []), http],
    tasks: [
      retentionTask(orm, config.retentionDays, log),
      uploadWatchdogTask(orm, config.stuckUploadMinutes, log),
    ],
  })
  const app = createApp({ lifespan, config, database, logger })
  return { app, lifespan, database }
}
