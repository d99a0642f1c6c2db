// Runs the Insights worker: the only module that touches the process.
import { resolve } from 'node:path'
import { createDatabase } from '@suitekit/insights'
import { createWorker } from './app.ts'

const databaseFile = resolve(process.env.DATABASE_FILE ?? '../api/data/insights.sqlite')
const worker = createWorker({ database: createDatabase(databaseFile) })
await worker.lifespan.start()
console.log(`Insights worker ready (SQLite database: ${databaseFile}); stop: Ctrl-C`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130)
    stopping = true
    worker.lifespan.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  })
}
