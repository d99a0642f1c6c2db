// Runs the Insights worker: the only module that touches the process.
import { resolve } from 'node:path'
import { createDatabase } from '@suitekit/insights'
import { runMain } from '@suitekit/lifespan'
import { createWorker } from './app.ts'

const databaseFile = resolve(process.env.DATABASE_FILE ?? '../api/data/insights.sqlite')
const databaseUrl = process.env.DATABASE_URL || undefined
const worker = createWorker({
  database: createDatabase({ url: databaseUrl, file: databaseFile }),
})

await runMain(worker.lifespan, () =>
  console.log(
    `Insights worker ready (${databaseUrl ? 'PostgreSQL' : `SQLite database: ${databaseFile}`}); stop: Ctrl-C`,
  ),
)
