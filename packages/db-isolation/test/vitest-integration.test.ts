import { fileURLToPath } from 'node:url'
import { describe, expect, inject, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import type { Engine } from '../src/isolation-options.js'

const root = fileURLToPath(new URL('./fixtures/vitest-project', import.meta.url))
const vitestBin = join(
  createRequire(import.meta.url).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
)
const runProcess = promisify(execFile)

interface Outcome {
  name: string
  file: string
  state: string | undefined
  errors: string[]
}

interface JsonReport {
  testResults: {
    name: string
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

const STATES: Record<string, string> = {
  passed: 'pass',
  failed: 'fail',
  skipped: 'skip',
  pending: 'skip',
}

/**
 * Runs the fixture project as a user does, `vitest run` in its own process, and returns each
 * test's outcome from vitest's JSON report.
 */
async function runFixtureProject(engine: Engine): Promise<Outcome[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dbiso-fixture-run-'))
  const report = join(dir, 'report.json')
  // the child is a fresh vitest, not a worker of this one: none of this process's VITEST_* variables
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
  )
  try {
    await runProcess(
      process.execPath,
      [vitestBin, 'run', '--reporter=json', `--outputFile=${report}`],
      {
        cwd: root,
        env: {
          ...env,
          SUITEKIT_TEST_DB: engine === 'sqlite' ? 'sqlite' : 'postgres',
          // the global setup uses this server instead of starting another one
          TEST_DATABASE_URL: inject('suitekit:postgres-url'),
        },
      },
    ).catch((error: unknown) => {
      // vitest exits 1 because some fixture tests fail on purpose; the report says which
      if ((error as { code?: unknown }).code !== 1) throw error
    })
    const { testResults } = JSON.parse(await readFile(report, 'utf8')) as JsonReport
    return testResults.flatMap((file) =>
      file.assertionResults.map((test) => ({
        name: test.title,
        file: relative(root, file.name),
        state: STATES[test.status] ?? test.status,
        errors: test.failureMessages.map((message) =>
          message.split('\n')[0]!.replace(/^\w*Error: /, ''),
        ),
      })),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
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
    expect(byName['times out between two queries']?.errors).toEqual([
      expect.stringMatching(/^Test timed out in 2000ms\./),
    ])
    expect(byName['times out while its flush runs']?.errors).toEqual([
      expect.stringMatching(/^Test timed out in 30ms\./),
    ])
    expect(byName['times out while its fixture is set up']?.errors).toEqual([
      expect.stringMatching(/^Test timed out in 20ms\./),
    ])
    expect(byName['runs after the timed-out tests, on a clean worker']?.state).toBe('pass')
    expect(byName['a whole file can ask for database isolation']?.state).toBe('pass')
    expect(outcomes).toHaveLength(14)
  }, 60_000) // a whole nested vitest run, with a test that times out on purpose
})
