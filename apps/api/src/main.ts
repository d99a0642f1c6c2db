// Runs the Insights API: the only module that touches the process.
import { runMain } from '@suitekit/lifespan'
import { loadConfig } from './config.ts'
import { createService } from './service.ts'

const { lifespan } = createService(loadConfig())
await runMain(lifespan)
