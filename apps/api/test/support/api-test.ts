// The suite's `test`: every test gets the test's `em`, the `app` (Fastify, built on the same database)
// and `signIn(user)` (the Authorization header of a user). How they are made depends on the mode.
import { MikroORM } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { createTokenFactory, TEST_PASSWORDS } from '@suitekit/auth-fixtures'
import { dbTest } from '@suitekit/db-isolation/vitest'
import {
  insightsOrmOptions,
  type InsightsEngine,
  type InsightsOrm,
  type User,
} from '@suitekit/insights'
import { createLifespan, type Lifespan } from '@suitekit/lifespan'
import type { FastifyInstance } from 'fastify'
import { inject, test as baseTest, type TestAPI } from 'vitest'
import { createApp } from '../../src/app.ts'
import { retentionTask } from '../../src/tasks/retention-task.ts'
import { uploadWatchdogTask } from '../../src/tasks/upload-watchdog-task.ts'
import { TEST_CONFIG } from './test-config.ts'
import { testMode } from './test-mode.ts'

export interface ApiTestContext {
  /** The test's EntityManager: what builders write with. */
  em: SqlEntityManager
  orm: InsightsOrm
  /** The Insights API on the test's database. */
  app: FastifyInstance
  /** The `Authorization` header of `user`. */
  signIn: (user: Pick<User, 'id' | 'email' | 'role'>) => Promise<{ authorization: string }>
}

/** The engine of this run: `SUITEKIT_TEST_DB=postgres` runs the suite on PostgreSQL. */
export const engine: InsightsEngine =
  process.env.SUITEKIT_TEST_DB === 'postgres' ? 'postgresql' : 'sqlite'

/**
 * The role the suite runs as on PostgreSQL: not a superuser, so the row-level security policies
 * apply to every query of every test (superusers skip them).
 */
export const TENANT_ROLE = 'insights_tenant'

/** The lifespan's background tasks, as the service defines them. */
function tasksOf(orm: () => InsightsOrm) {
  const quiet = () => {}
  return [
    retentionTask(orm, TEST_CONFIG.retentionDays, quiet),
    uploadWatchdogTask(orm, TEST_CONFIG.stuckUploadMinutes, quiet),
  ]
}

function buildApp(lifespan: Lifespan, orm: () => InsightsOrm): FastifyInstance {
  return createApp({
    lifespan,
    config: TEST_CONFIG,
    database: {
      get orm() {
        return orm()
      },
      ping: () =>
        orm()
          .em.fork()
          .execute('select 1')
          .then(() => {}),
    },
  })
}

/** suitekit mode: template + worker database + rollback, minted tokens, lifespan test mode. */
function suitekitTest(): TestAPI<ApiTestContext> {
  const tokens = createTokenFactory({
    secret: TEST_CONFIG.auth.secret,
    issuer: TEST_CONFIG.auth.issuer,
    audience: TEST_CONFIG.auth.audience,
    typ: 'at+jwt',
    expiresInSeconds: TEST_CONFIG.auth.tokenTtlSeconds,
  })
  return dbTest({
    config: (dbEngine) => insightsOrmOptions(dbEngine === 'postgresql' ? 'postgresql' : 'sqlite'),
    seed: async (em) => {
      if (engine !== 'postgresql') return
      await em.execute(
        `do $$ begin if not exists (select from pg_roles where rolname = '${TENANT_ROLE}') then create role ${TENANT_ROLE} nologin; end if; end $$`,
      )
      await em.execute(
        `grant select, insert, update, delete on all tables in schema public to ${TENANT_ROLE}`,
      )
      await em.execute(`grant usage, select on all sequences in schema public to ${TENANT_ROLE}`)
    },
    // db-isolation's per-test hook: each test's transaction runs as the role under row-level security
    beforeTest:
      engine === 'postgresql' ? (em) => em.execute(`set local role ${TENANT_ROLE}`) : undefined,
  }).extend<{
    appWorker: { app: FastifyInstance; use(orm: InsightsOrm): void }
    app: FastifyInstance
    signIn: ApiTestContext['signIn']
  }>({
    appWorker: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from an object pattern
      async ({}, use) => {
        let current: InsightsOrm | undefined
        const orm = () => {
          if (!current) throw new Error('no test database yet')
          return current
        }
        const lifespan = createLifespan({ tasks: tasksOf(orm) })
        await lifespan.start({ background: false })
        const app = buildApp(lifespan, orm)
        await app.ready()
        await use({ app, use: (next) => void (current = next) })
        await app.close()
        await lifespan.stop()
      },
      { scope: 'worker' },
    ],
    app: async ({ appWorker, orm }, use) => {
      appWorker.use(orm as InsightsOrm)
      await use(appWorker.app)
    },
    // eslint-disable-next-line no-empty-pattern
    signIn: async ({}, use) => use((user) => tokens.headersFor({ id: user.id })),
  })
}

/** naive mode: schema refresh before each test, login per test, the full lifespan, one worker. */
function naiveTest(): TestAPI<ApiTestContext> {
  return baseTest.extend<{
    naiveOrm: InsightsOrm
    orm: InsightsOrm
    em: SqlEntityManager
    app: FastifyInstance
    signIn: ApiTestContext['signIn']
  }>({
    naiveOrm: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const connection =
          engine === 'postgresql' ? { clientUrl: naivePostgresUrl() } : { dbName: ':memory:' }
        const orm = (await MikroORM.init({
          ...insightsOrmOptions(engine),
          ...connection,
          allowGlobalContext: true,
        })) as InsightsOrm
        if (engine === 'postgresql') await orm.schema.ensureDatabase()
        await use(orm)
        await orm.close(true)
      },
      { scope: 'worker' },
    ],
    orm: async ({ naiveOrm }, use) => use(naiveOrm),
    em: [
      async ({ orm }, use) => {
        await orm.schema.refresh()
        await use(orm.em.fork())
      },
      { auto: true },
    ],
    app: async ({ orm }, use) => {
      const lifespan = createLifespan({ tasks: tasksOf(() => orm) })
      await lifespan.start()
      const app = buildApp(lifespan, () => orm)
      await app.ready()
      await use(app)
      await app.close()
      await lifespan.stop()
    },
    signIn: async ({ app }, use) =>
      use(async (user) => {
        const response = await app.inject({
          method: 'POST',
          url: '/api/login',
          payload: { email: user.email, password: TEST_PASSWORDS[user.role] },
        })
        if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
        return { authorization: `Bearer ${response.json<{ token: string }>().token}` }
      }),
  })
}

function naivePostgresUrl(): string {
  const server = inject('suitekit:postgres-url')
  if (!server) throw new Error('SUITEKIT_TEST_DB=postgres needs the db-isolation global setup')
  const url = new URL(server)
  url.pathname = `/insights_naive_${process.env.VITEST_POOL_ID ?? '1'}`
  return url.toString()
}

export const test: TestAPI<ApiTestContext> = testMode === 'naive' ? naiveTest() : suitekitTest()
