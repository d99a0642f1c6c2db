import { DbIsolationError } from '../errors.js'
import type { Engine } from '../isolation-options.js'

/** The engine `SUITEKIT_TEST_DB` asks for: `sqlite` (default) or `postgres`. */
export function requestedEngine(value: string | undefined = process.env.SUITEKIT_TEST_DB): Engine {
  if (!value || value === 'sqlite') return 'sqlite'
  if (value === 'postgres' || value === 'postgresql' || value === 'pg') return 'postgresql'
  throw new DbIsolationError(
    'ERR_CONFIG',
    `SUITEKIT_TEST_DB='${value}' is not an engine: use 'sqlite' or 'postgres'`,
  )
}
