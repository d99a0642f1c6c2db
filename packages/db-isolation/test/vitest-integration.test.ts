import { fileURLToPath } from 'node:url'
import { describe, expect, inject, it, type RunnerTestFile } from 'vitest'
import { startVitest } from 'vitest/node'
import type { Engine } from '../src/isolation-options.js'
import { withEnv } from './env.js'

const root = fileURLToPath(new URL('./fixtures/vitest-project', import.meta.url))

interface Outcome {
  name: string
  file: string
  state: string | undefined
  errors: string[]
}

/** Runs the fixture project (a user's suite) with vitest and returns each test's outcome. */
async function runFixtureProject(engine: Engine): Promise<Outcome[]> {
  const env = {
    SUITEKIT_TEST_DB: engine === 'sqlite' ? 'sqlite' : 'postgres',
    // the global setup uses this server instead of starting another one
    TEST_DATABASE_URL: inject('suitekit:postgres-url'),
  }
  return withEnv(env, async () => {
    const vitest = await startVitest('test', [], { root, watch: false, reporters: [] })
    try {
      return collectOutcomes(vitest.state.getFiles())
    } finally {
      await vitest.close()
    }
  })
}

function collectOutcomes(files: RunnerTestFile[]): Outcome[] {
  return files.flatMap((file) =>
    file.tasks.map((task) => ({
      name: task.name,
      file: file.name,
      state: task.result?.state,
      errors: (task.result?.errors ?? []).map((e) => String(e.message)),
    })),
  )
}

describe.each<Engine>(['sqlite', 'postgresql'])('dbTest in a vitest project on %s', (engine) => {
  it('isolates every test in shuffled order, catches the escape, survives a timeout, gives database tests their own copy', async () => {
    const outcomes = await runFixtureProject(engine)
    const byName = Object.fromEntries(outcomes.map((o) => [o.name, o]))
    for (const file of ['a', 'b']) {
      for (const n of [1, 2, 3])
        expect(byName[`file ${file}, test ${n} starts from the template only`]?.state).toBe('pass')
    }
    expect(byName['commits for real in its own copy of the template']?.state).toBe('pass')
    expect(byName['delivers LISTEN/NOTIFY between two connections']?.state).toBe(
      engine === 'postgresql' ? 'pass' : 'skip',
    )
    const escape = byName['writes outside the transaction']
    expect(escape?.state).toBe('fail')
    expect(escape?.errors).toEqual([
      "insert into `project` ran in a new transaction that would commit (test 'writes outside the transaction', escape.test.ts): " +
        "a fork without the test's transaction, or REQUIRES_NEW/NOT_SUPPORTED, started it; pass the test's `em` " +
        '(or fork it without `keepTransactionContext: false`), keep the default propagation instead of REQUIRES_NEW/NOT_SUPPORTED, ' +
        "or use `isolation: 'database'` for this test",
    ])
    expect(byName['times out in the middle of its transaction']?.errors).toEqual([
      expect.stringMatching(/^Test timed out in 300ms\./),
    ])
    expect(byName['runs after the timed-out test, on a clean worker']?.state).toBe('pass')
    expect(byName['a whole file can ask for database isolation']?.state).toBe('pass')
    expect(outcomes).toHaveLength(12)
  }, 60_000) // a whole nested vitest run, with a test that times out on purpose
})
