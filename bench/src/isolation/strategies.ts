import type { EntityManager, MikroORM } from '@mikro-orm/core'
import { withTestTransaction } from '@suitekit/db-isolation'
import type { Measurement } from '../measure.ts'
import { measureInterleaved } from './interleave.ts'
import { testWork } from './work.ts'

/** The bare work, and the ways of isolating it from the next test. */
export type Strategy = 'bare' | 'suitekit' | 'clear' | 'refresh' | 'clone'

/** Every strategy, in table order. */
export const STRATEGIES: readonly Strategy[] = ['bare', 'suitekit', 'clear', 'refresh', 'clone']

/** What each strategy does per test, for the tables. */
export const STRATEGY_LABELS: Record<Strategy, string> = {
  bare: 'bare work (no isolation)',
  suitekit: 'suitekit: begin + work + rollback',
  clear: 'work + schema.clear() (TRUNCATE)',
  refresh: 'schema.refresh() (drop+create) + work',
  clone: 'fresh template clone + work + close',
}

/** A connected copy of the template, deleted by `close()`. */
export interface DatabaseCopy {
  orm: MikroORM
  close(): Promise<void>
}

/** The databases one engine's strategies run on. */
export interface EngineDatabases {
  /** Runs the suitekit strategy (`withTestTransaction`); its writes never commit. */
  isolated: MikroORM
  /** Has no isolation guard: runs the bare work, `clear` and `refresh` (rows accumulate). */
  plain: MikroORM
  /** Makes a fresh copy of the template per test. */
  clone: () => Promise<DatabaseCopy>
}

/** The body of a benchmark test. */
export type Work = (em: EntityManager) => Promise<unknown>

/** An empty test: what is left is the cost of the isolation itself. */
export const noWork: Work = () => Promise.resolve()

/** Timed calls per strategy. */
export type Iterations = Record<Strategy, number>

/** Measures one "test" under every strategy on `db`, interleaved; keyed by strategy. */
export async function measureStrategies(
  engine: string,
  db: EngineDatabases,
  iterations: Iterations,
  log: (message: string) => void,
  work: Work = testWork,
): Promise<Record<Strategy, Measurement>> {
  const run: Record<Strategy, () => Promise<unknown>> = {
    bare: () => work(db.plain.em.fork()),
    suitekit: () => withTestTransaction(db.isolated, work, { name: 'bench test' }),
    async clear() {
      await work(db.plain.em.fork())
      await db.plain.schema.clear()
    },
    async refresh() {
      await db.plain.schema.refresh()
      await work(db.plain.em.fork())
    },
    async clone() {
      const copy = await db.clone()
      try {
        await work(copy.orm.em.fork())
      } finally {
        await copy.close()
      }
    },
  }
  const cases = STRATEGIES.map((s) => ({
    name: STRATEGY_LABELS[s],
    iterations: iterations[s],
    run: run[s],
  }))
  const measured = await measureInterleaved(cases, {
    onRound: (round, rounds) => {
      if (round % 10 === 1)
        log(
          `${engine}: per-test strategies, rounds ${round}-${Math.min(round + 9, rounds)} of ${rounds}`,
        )
    },
  })
  return Object.fromEntries(STRATEGIES.map((s, i) => [s, measured[i]!])) as Record<
    Strategy,
    Measurement
  >
}

/** Measures every strategy twice: with a whole test, and with an empty one (the isolation alone). */
export async function measureBothWays(
  engine: string,
  db: EngineDatabases,
  iterations: Iterations,
  log: (message: string) => void,
): Promise<{
  perTest: Record<Strategy, Measurement>
  isolationOnly: Record<Strategy, Measurement>
}> {
  const perTest = await measureStrategies(engine, db, iterations, log)
  const isolationOnly = await measureStrategies(
    `${engine} (empty test)`,
    db,
    iterations,
    log,
    noWork,
  )
  return { perTest, isolationOnly }
}
