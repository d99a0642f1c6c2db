import { resolve } from 'node:path'

/** Settings of the Insights API, read from the environment by {@link loadConfig}. */
export interface ApiConfig {
  /** Address to listen on. */
  host: string
  port: number
  /** SQLite database file (the embedded default); unused when `databaseUrl` is set. */
  databaseFile: string
  /** PostgreSQL URL (`DATABASE_URL`); the embedded SQLite file when unset. */
  databaseUrl: string | undefined
}

/** Reads the API settings from `env`, with the embedded defaults for a laptop. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT must be an integer from 0 to 65535, got '${env.PORT}'`)
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseFile: resolve(env.DATABASE_FILE ?? 'data/insights.sqlite'),
    databaseUrl: env.DATABASE_URL || undefined,
  }
}
