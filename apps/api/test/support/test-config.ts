import type { ApiConfig } from '../../src/config.ts'

/** The API settings every test runs with: what `loadConfig` gives, with a fixed signing secret. */
export const TEST_CONFIG: ApiConfig = {
  host: '127.0.0.1',
  port: 0,
  databaseFile: ':memory:',
  databaseUrl: undefined,
  auth: {
    secret: 'insights-test-secret-not-for-production-use',
    issuer: 'insights',
    audience: 'insights-api',
    tokenTtlSeconds: 3600,
  },
  uploadLimitBytes: 64 * 1024,
  retentionDays: 90,
  stuckUploadMinutes: 15,
  seedDemo: false,
}
