// Runs the Insights API: the only module that touches the process.
import { createDatabase, describeLocation } from '@suitekit/insights'
import { createLifespan, runMain, type Resource } from '@suitekit/lifespan'
import { createApp } from './app.ts'
import { loadConfig } from './config.ts'

const config = loadConfig()
const location = { url: config.databaseUrl, file: config.databaseFile }
const database = createDatabase(location, {
  onMigrated: (names) => {
    if (names.length > 0) console.log(`applied migrations: ${names.join(', ')}`)
  },
})
// last to start, first to stop: no request arrives before the database is up or after it is down
const http: Resource = {
  name: 'http',
  async start() {
    const url = await app.listen({ host: config.host, port: config.port })
    console.log(`Insights API listening on ${url} (${describeLocation(location)})`)
    console.log(`  health: ${url}/health    stop: Ctrl-C`)
  },
  stop: () => app.close(),
}
const lifespan = createLifespan([database, http])
const app = createApp({ lifespan, pingDatabase: () => database.ping(), logger: true })

await runMain(lifespan)
