// Runs the Insights worker: the only module that touches the process.
import { resolve } from 'node:path'
import { createDatabase, describeLocation } from '@suitekit/insights'
import { runMain } from '@suitekit/lifespan'
import { createWorker } from './app.ts'

const databaseFile = resolve(process.env.DATABASE_FILE ?? '../api/data/insights.sqlite')
const location = { url: process.env.DATABASE_URL || undefined, file: databaseFile }
const worker = createWorker({ database: createDatabase(location) })

await runMain(worker.lifespan, () =>
  console.log(`Insights worker ready (${describeLocation(location)}); stop: Ctrl-C`),
)
