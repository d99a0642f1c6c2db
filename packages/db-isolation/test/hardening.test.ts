// Cases an adversarial review found: each failed (or hung) before its fix.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { isIsolationEscape } from '../src/isolation-escape-error.js'
import type { Engine } from '../src/isolation-options.js'
import { createTemplate, type Template } from '../src/template.js'
import { beginTestScope, withTestTransaction } from '../src/test-scope.js'
import { openWorkerDatabase, type WorkerDatabase } from '../src/worker-database.js'
import { Author, ormConfig, seedRoles } from './schema.js'

describe.each<Engine>(['sqlite', 'postgresql'])('hardening on %s', (engine) => {
  let template: Template
  let worker: WorkerDatabase
  beforeAll(async () => {
    template = await createTemplate(
      { config: { ...ormConfig(engine), dbName: 'dbiso_hard' }, seed: seedRoles, seedVersion: 1 },
      inject('suitekit:postgres-url'),
    )
    worker = await openWorkerDatabase(template, { workerId: '41' })
  })
  afterAll(async () => {
    await worker?.close()
  })
  const committed = () => worker.orm.em.fork().count(Author)

  it('refuses a second test started at the same moment instead of hanging', async () => {
    const outcomes = await Promise.allSettled([
      beginTestScope(worker.orm, { name: 'first' }),
      beginTestScope(worker.orm, { name: 'second' }),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected'])
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'ERR_CONCURRENT_TESTS',
    })
    await (
      outcomes[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof beginTestScope>>>
    ).value.end()
    await withTestTransaction(worker.orm, async (em) => expect(await em.count(Author)).toBe(0))
  })

  it.each([
    [
      'a write behind a CTE',
      "with x as (select 1) insert into author (name, email) values ('A', 'cte@example.com')",
    ],
    [
      'a write behind a comment',
      "-- seed\ninsert into author (name, email) values ('A', 'comment@example.com')",
    ],
    ['DDL', 'create table leaked_between_tests (id int)'],
  ])('fails %s outside any test, and commits nothing', async (_case, sql) => {
    const error = await worker.orm.em
      .fork()
      .execute(sql)
      .catch((e: unknown) => e)
    expect(isIsolationEscape(error)).toBe(true)
    expect((error as Error).message).toContain('ran outside any test')
    expect(await committed()).toBe(0)
  })

  it('still lets reads run outside a test', async () => {
    await expect(
      worker.orm.em.fork().execute('select count(*) as n from author'),
    ).resolves.toBeTruthy()
  })

  it('passes a test that expects a unique violation and catches it', async () => {
    const insert = "insert into author (name, email) values ('Dup', 'dup@example.com')"
    await withTestTransaction(worker.orm, async (em) => {
      await em.execute(insert)
      await expect(em.execute(insert)).rejects.toThrow(/unique|UNIQUE/)
    })
  })
})

describe('hardening on postgresql only', () => {
  const url = () => inject('suitekit:postgres-url')!
  const template = () =>
    createTemplate(
      {
        config: { ...ormConfig('postgresql'), dbName: 'dbiso_hard' },
        seed: seedRoles,
        seedVersion: 1,
      },
      url(),
    )

  it('does not hand the next run a worker database someone committed to after the last test', async () => {
    const t = await template()
    const worker = await openWorkerDatabase(t, { workerId: '42' })
    const other = new pg.Client({ connectionString: worker.orm.config.get('clientUrl') })
    await other.connect()
    await other.query("insert into author (name, email) values ('Late', 'late@example.com')")
    await other.end()
    await worker.close()
    const next = await openWorkerDatabase(t, { workerId: '42' })
    try {
      expect(next.reused).toBe(false)
      expect(await next.orm.em.fork().count(Author)).toBe(0)
    } finally {
      await next.close()
    }
  })

  it('opens the same worker twice at once in one process without either breaking', async () => {
    const t = await template()
    const [a, b] = await Promise.all([
      openWorkerDatabase(t, { workerId: '43' }),
      openWorkerDatabase(t, { workerId: '43' }),
    ])
    try {
      expect(a.name).not.toBe(b.name)
      expect(await a.orm.em.fork().count(Author)).toBe(0)
      expect(await b.orm.em.fork().count(Author)).toBe(0)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})
