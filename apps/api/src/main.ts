// Runs the Insights API: the only module that touches the process.
import { createLifespan } from '@suitekit/lifespan'
import { createApp } from './app.ts'
import { loadConfig } from './config.ts'
import { createDatabase } from '@suitekit/insights'

const config = loadConfig()
const database = createDatabase(config.databaseFile)
const lifespan = createLifespan([database])
const app = createApp({ lifespan, pingDatabase: () => database.ping(), logger: true })

await lifespan.start()
const url = await app.listen({ host: config.host, port: config.port })
console.log(`Insights API listening on ${url} (SQLite database: ${config.databaseFile})`)
console.log(`  health: ${url}/health    stop: Ctrl-C`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130)
    stopping = true
    void app
      .close()
      .then(() => lifespan.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error)
          process.exit(1)
        },
      )
  })
}
