/**
 * How the suite runs: `suitekit` (the default: template database, one rolled-back transaction per
 * test, minted tokens, lifespan test mode) or `naive` (schema refresh before each test, login
 * through `POST /api/login`, the full lifespan with its background tasks). Only `pnpm bench api`
 * sets `INSIGHTS_TEST_MODE=naive`, to measure what suitekit saves on the same tests.
 */
export const testMode: 'suitekit' | 'naive' =
  process.env.INSIGHTS_TEST_MODE === 'naive' ? 'naive' : 'suitekit'
