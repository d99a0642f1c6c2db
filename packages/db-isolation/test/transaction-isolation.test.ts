import { setTimeout as sleep } from 'node:timers/promises'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { RequestContext, TransactionPropagation, type EntityName } from '@mikro-orm/core'
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { IsolationEscapeError, isIsolationEscape } from '../src/isolation-escape-error.js'
import type { Engine } from '../src/isolation-options.js'
import { createTemplate } from '../src/template.js'
import { beginTestScope, withTestTransaction } from '../src/test-scope.js'
import { openWorkerDatabase, type WorkerDatabase } from '../src/worker-database.js'
import { Author, Book, Review, Role, ormConfig, seedRoles } from './schema.js'

const engines: Engine[] = ['sqlite', 'postgresql']
const runProcess = promisify(execFile)

describe.each(engines)('per-test transactions on %s', (engine) => {
  let worker: WorkerDatabase
  beforeAll(async () => {
    const template = await createTemplate(
      { config: ormConfig(engine), seed: seedRoles, seedVersion: 1 },
      inject('suitekit:postgres-url'),
    )
    worker = await openWorkerDatabase(template)
  })
  afterAll(async () => {
    await worker?.close()
  })

  /** Rows committed in the worker database, read outside any test. */
  const committed = <T extends object>(entity: EntityName<T>) => worker.orm.em.fork().count(entity)
  const run = <T>(
    fn: (em: EntityManager) => Promise<T>,
    name = expect.getState().currentTestName,
  ) => withTestTransaction(worker.orm, fn, { name })
  const addAuthor = (em: EntityManager, name = 'Ann') =>
    em.create(Author, { name, email: `${name.toLowerCase()}-${Math.random()}@example.com` })

  it('rolls back writes made inside the test, and keeps the seed rows', async () => {
    await run(async (em) => {
      addAuthor(em)
      await em.flush()
      expect(await em.count(Author)).toBe(1)
    })
    expect(await committed(Author)).toBe(0)
    expect(await committed(Role)).toBe(3)
  })

  it('resolves orm.em to the test EntityManager inside the test', async () => {
    await run(async (em) => {
      addAuthor(em)
      await em.flush()
      expect(await worker.orm.em.count(Author)).toBe(1)
    })
  })

  it('rolls back raw em.execute writes', async () => {
    await run(async (em) => {
      await em.execute("insert into author (name, email) values ('Raw', 'raw@example.com')")
      expect(await em.count(Author)).toBe(1)
    })
    expect(await committed(Author)).toBe(0)
  })

  it('runs nested transactions as savepoints of the test transaction', async () => {
    await run(async (em) => {
      await em.transactional(async (outer) => {
        addAuthor(outer, 'Outer')
        await outer.transactional(async (inner) => {
          addAuthor(inner, 'Inner')
          await inner.flush()
        })
      })
      expect(await em.count(Author)).toBe(2)
    })
    expect(await committed(Author)).toBe(0)
  })

  it('undoes only a failing inner transaction that the app catches, and goes on', async () => {
    await run(async (em) => {
      addAuthor(em, 'Kept')
      await em.flush()
      await em
        .transactional(async (inner) => {
          addAuthor(inner, 'Undone')
          await inner.flush()
          throw new Error('inner block fails')
        })
        .catch(() => {})
      const names = (await em.fork().find(Author, {})).map((a) => a.name)
      expect(names).toEqual(['Kept'])
      addAuthor(em, 'After')
      await em.flush()
      expect(await em.count(Author)).toBe(2)
    })
    expect(await committed(Author)).toBe(0)
  })

  it("joins the app's own orm.em.fork() and RequestContext to the test transaction", async () => {
    await run(async (em) => {
      const fork = worker.orm.em.fork()
      addAuthor(fork, 'Forked')
      await fork.flush()
      await RequestContext.create(worker.orm.em, async () => {
        const requestEm = RequestContext.getEntityManager() as EntityManager
        addAuthor(requestEm, 'Request')
        await requestEm.flush()
      })
      expect(await em.count(Author)).toBe(2)
    })
    expect(await committed(Author)).toBe(0)
  })

  it('joins em.begin()/commit() and em.begin()/rollback() pairs as savepoints', async () => {
    await run(async (em) => {
      const app = worker.orm.em.fork()
      await app.begin()
      addAuthor(app, 'Committed')
      await app.commit()
      await app.begin()
      addAuthor(app, 'RolledBack')
      await app.flush()
      await app.rollback()
      expect((await em.find(Author, {})).map((a) => a.name)).toEqual(['Committed'])
      // the test EntityManager is still inside the test transaction afterwards
      addAuthor(em, 'Later')
      await em.flush()
      expect(await em.count(Author)).toBe(2)
    })
    expect(await committed(Author)).toBe(0)
  })

  it('runs concurrent nested transactions that all succeed', async () => {
    await run(async (em) => {
      await Promise.all(
        ['A', 'B', 'C'].map((name) =>
          em.transactional(async (t) => {
            addAuthor(t, name)
            await t.flush()
          }),
        ),
      )
      expect(await em.count(Author)).toBe(3)
    })
  })

  it('fails the test when a concurrent nested transaction rolls back over its sibling', async () => {
    const error = await run(async (em) => {
      const slow = em.transactional(async (t) => {
        addAuthor(t, 'Older')
        await t.flush()
        await sleep(20)
        throw new Error('older sibling fails')
      })
      const fast = em.transactional(async (t) => {
        addAuthor(t, 'Younger')
        await t.flush()
      })
      await Promise.allSettled([slow, fast])
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsolationEscapeError)
    expect((error as IsolationEscapeError).details.kind).toBe('concurrent-savepoints')
  })

  it('fails a test that leaves a deferred foreign key violated', async () => {
    const error = await run(async (em) => {
      await em.execute('insert into review (stars, book_id) values (5, 9999)')
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_DEFERRED_CONSTRAINT' })
    expect((error as Error).message).toContain('left a deferred constraint violated')
  })

  it('passes a test whose deferred foreign key is satisfied before the end', async () => {
    await run(async (em) => {
      const author = addAuthor(em)
      const book = em.create(Book, { title: 'Dune', author })
      em.create(Review, { stars: 5, book })
      await em.flush()
    })
  })

  it('runs the beforeTest hook inside the test transaction', async () => {
    const setting =
      engine === 'postgresql'
        ? "select current_setting('app.org_id', true) as value"
        : "select name as value from author where email = 'hook@example.com'"
    const hook = (em: EntityManager) =>
      engine === 'postgresql'
        ? em.execute("select set_config('app.org_id', '42', true)")
        : em.execute("insert into author (name, email) values ('42', 'hook@example.com')")
    const value = await withTestTransaction(
      worker.orm,
      async (em) => (await em.execute<{ value: string }[]>(setting))[0]?.value,
      { beforeTest: hook },
    )
    expect(value).toBe('42')
    expect(await committed(Author)).toBe(0)
  })

  it('pins how ids behave after a rollback', async () => {
    const idOf = () =>
      run(async (em) => {
        const author = addAuthor(em)
        await em.flush()
        return author.id
      })
    const first = await idOf()
    const second = await idOf()
    // SQLite rolls its sqlite_sequence back with the data; PostgreSQL sequences never go back
    if (engine === 'sqlite') expect(second).toBe(first)
    else expect(second).toBeGreaterThan(first)
  })

  it('pins what the current time is inside a test transaction', async () => {
    const query =
      engine === 'postgresql'
        ? 'select now()::text as t, clock_timestamp()::text as c'
        : "select strftime('%Y-%m-%d %H:%M:%f', 'now') as t, strftime('%Y-%m-%d %H:%M:%f', 'now') as c"
    type Times = { t: string; c: string }
    const [before, after] = await run(async (em) => {
      const [a] = await em.execute<Times[]>(query)
      await sleep(15)
      const [b] = await em.execute<Times[]>(query)
      return [a, b]
    })
    if (engine === 'postgresql') {
      // now() is the transaction's start time: frozen for the whole test
      expect(after?.t).toBe(before?.t)
      expect(after?.c).not.toBe(before?.c)
    } else {
      // SQLite's 'now' moves between statements, even inside one transaction
      expect(after?.t).not.toBe(before?.t)
    }
  })

  describe('escapes', () => {
    it('fails a write through a fork told not to join, naming the table and the test', async () => {
      const error = await run(async () => {
        const outside = worker.orm.em.fork({ keepTransactionContext: false })
        addAuthor(outside, 'Escaped')
        await outside.flush()
      }, 'writes outside').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(IsolationEscapeError)
      expect((error as Error).message).toMatch(
        /^insert into `author` ran .*\(test 'writes outside'\)/,
      )
      expect(await committed(Author)).toBe(0)
    })

    it('fails a raw query on the global connection outside the test transaction', async () => {
      const error = await run(async () => {
        await worker.orm.driver
          .getConnection()
          .execute("insert into author (name, email) values ('Raw', 'raw-escape@example.com')")
      }, 'raw outside').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(IsolationEscapeError)
      expect((error as Error).message).toBe(
        "insert into `author` ran outside the test transaction (test 'raw outside'); pass the test's `em` " +
          "(or fork it without `keepTransactionContext: false`), or use `isolation: 'database'` for this test",
      )
      expect(await committed(Author)).toBe(0)
    })

    it.each([TransactionPropagation.REQUIRES_NEW, TransactionPropagation.NOT_SUPPORTED])(
      'fails a transaction with propagation %s',
      async (propagation) => {
        const error = await run(async (em) => {
          await em.transactional(
            async (t) => {
              addAuthor(t, 'Escaped')
              await t.flush()
            },
            { propagation },
          )
        }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(IsolationEscapeError)
        // NOT_SUPPORTED flushes without a transaction: on PostgreSQL MikroORM still opens one for
        // the flush (a new top-level transaction), on SQLite the bare insert is caught
        const kinds =
          propagation === TransactionPropagation.REQUIRES_NEW
            ? ['new-transaction']
            : ['new-transaction', 'outside-transaction']
        expect(kinds).toContain((error as IsolationEscapeError).details.kind)
        expect(await committed(Author)).toBe(0)
      },
    )

    const insertOther = "insert into author (name, email) values ('Other', 'other@example.com')"
    const writers = {
      'second connection': async (url: string) => {
        const other = new pg.Client({ connectionString: url })
        await other.connect()
        await other.query(insertOther)
        await other.end()
      },
      'child process': async (url: string) => {
        const script = `const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1] });
          c.connect().then(() => c.query(${JSON.stringify(insertOther)})).then(() => c.end())`
        await runProcess(process.execPath, ['-e', script, url], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
        })
      },
    }
    it.runIf(engine === 'postgresql').each(Object.keys(writers) as (keyof typeof writers)[])(
      'fails a write that a %s commits, and repairs the worker database',
      async (writer) => {
        const error = await run(
          () => writers[writer](worker.orm.config.get('clientUrl') ?? ''),
          writer,
        ).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(IsolationEscapeError)
        expect((error as Error).message).toBe(
          `insert into \`author\` was committed outside the test transaction (test '${writer}'); ` +
            "another connection or process committed it; point it at the test's `em`, or use `isolation: 'database'` for this test",
        )
        // the worker database was replaced by a fresh copy of the template
        expect(await committed(Author)).toBe(0)
        expect(await committed(Role)).toBe(3)
        await run(async (em) => expect(await em.count(Author)).toBe(0))
      },
    )

    it('fails the test even when app code catches the escape', async () => {
      const error = await run(async () => {
        const outside = worker.orm.em.fork({ keepTransactionContext: false })
        addAuthor(outside, 'Swallowed')
        await outside.flush().catch(() => {})
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(IsolationEscapeError)
    })

    it('fails a query that runs after its test ended, and leaves the next test clean', async () => {
      const scope = await beginTestScope(worker.orm, { name: 'leaves a timer' })
      const late = sleep(20).then(() => {
        addAuthor(scope.em, 'Late')
        return scope.em.flush()
      })
      // what vitest does when the test times out: clean up while the test body is still running
      await scope.end()
      const error = await late.catch((e: unknown) => e)
      expect(isIsolationEscape(error)).toBe(true)
      expect((error as Error).message).toContain("after its test had ended (test 'leaves a timer')")
      await run(async (em) => expect(await em.count(Author)).toBe(0))
      expect(await committed(Author)).toBe(0)
    })

    it('fails a write between tests, which would commit into the shared worker database', async () => {
      const error = await worker.orm.em
        .fork()
        .execute("insert into author (name, email) values ('Hook', 'hook-escape@example.com')")
        .catch((e: unknown) => e)
      expect(isIsolationEscape(error)).toBe(true)
      expect((error as Error).message).toContain('insert into `author` ran outside any test')
      expect(await committed(Author)).toBe(0)
    })
  })

  it('leaves the worker clean after a test that throws mid-transaction', async () => {
    await expect(
      run(async (em) => {
        addAuthor(em)
        await em.flush()
        throw new Error('test body fails')
      }),
    ).rejects.toThrow('test body fails')
    expect(await committed(Author)).toBe(0)
    await run(async (em) => expect(await em.count(Author)).toBe(0))
  })

  it('leaks no rows across tests run in a shuffled order', async () => {
    const order = Array.from({ length: 12 }, (_, i) => i).sort(() => Math.random() - 0.5)
    for (const i of order) {
      await run(async (em) => {
        expect(await em.count(Author)).toBe(0)
        for (let j = 0; j <= i % 3; j++) addAuthor(em, `A${i}-${j}`)
        await em.flush()
      })
    }
    expect(await committed(Author)).toBe(0)
  })
})
