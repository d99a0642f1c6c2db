import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'

/** Settings of the Insights API, read from the environment by {@link loadConfig}. */
export interface ApiConfig {
  /** Address to listen on (`HOST`). */
  host: string
  /** `PORT`. */
  port: number
  /** SQLite database file (`DATABASE_FILE`, the embedded default); unused when `databaseUrl` is set. */
  databaseFile: string
  /** PostgreSQL URL (`DATABASE_URL`); the embedded SQLite file when unset. */
  databaseUrl: string | undefined
  /** How access tokens are signed and checked. */
  auth: AuthConfig
  /** Largest upload body accepted (`UPLOAD_LIMIT_BYTES`), in bytes. */
  uploadLimitBytes: number
  /** Runs older than this many days are deleted by the retention task (`RETENTION_DAYS`). */
  retentionDays: number
  /** An upload still processing after this long is marked failed (`STUCK_UPLOAD_MINUTES`). */
  stuckUploadMinutes: number
  /** Whether to create the demo organization, user and project in an empty database (`SEED_DEMO`). */
  seedDemo: boolean
}

/** Access tokens: HS256 JWTs signed with `secret`. */
export interface AuthConfig {
  /** `JWT_SECRET`, at least 32 bytes. Without one, a random secret per process (tokens die with it). */
  secret: string
  issuer: string
  audience: string
  /** Lifetime of a token from `POST /api/login` (`TOKEN_TTL_SECONDS`). */
  tokenTtlSeconds: number
}

/** The values not read from the environment. */
export const AUTH_DEFAULTS = { issuer: 'insights', audience: 'insights-api' } as const

/** Reads the API settings from `env`, with the embedded defaults for a laptop. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const databaseUrl = env.DATABASE_URL || undefined
  const secret = env.JWT_SECRET || randomBytes(32).toString('base64url')
  if (Buffer.byteLength(secret) < 32) {
    throw new RangeError(
      'JWT_SECRET must be at least 32 bytes long (e.g. `openssl rand -base64 32`)',
    )
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65_535),
    databaseFile: resolve(env.DATABASE_FILE ?? 'data/insights.sqlite'),
    databaseUrl,
    auth: {
      secret,
      ...AUTH_DEFAULTS,
      tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 3600, 60, 30 * 86_400),
    },
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_BYTES', 10 * 1024 * 1024, 1024, 1024 ** 3),
    retentionDays: integer(env, 'RETENTION_DAYS', 90, 1, 36_500),
    stuckUploadMinutes: integer(env, 'STUCK_UPLOAD_MINUTES', 15, 1, 10_080),
    seedDemo: flag(env, 'SEED_DEMO', databaseUrl === undefined),
  }
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN // no '0x50', '1e3' or ' '
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`)
  }
  return value
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new RangeError(`${name} must be true or false, got '${raw}'`)
}
