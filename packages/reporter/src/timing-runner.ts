import { AsyncLocalStorage } from 'node:async_hooks'
import { TestRunner, type RunnerTestCase, type SerializedConfig, type TestContext } from 'vitest'
import type {} from './task-meta.js'
import type { PhaseSplit } from './timings-file.js'

type TryOptions = Parameters<TestRunner['onBeforeTryTask']>[1]

/** One attempt of one test, as it runs. */
interface Attempt {
  startedAt: number
  callbackStartedAt?: number
  callbackEndedAt?: number
  /** When the last fixture was assigned to the context while the test callback ran. */
  lastFixtureAt?: number
}

/** Attempts running, by test context (for fixture assignments). */
const byContext = new WeakMap<object, Attempt>()
/** The id of the test whose spans are running (tests of a `describe.concurrent` run side by side). */
const currentTest = new AsyncLocalStorage<string>()

/**
 * vitest's test runner, plus a stopwatch: it splits every test attempt into setup (`beforeEach`
 * hooks and fixture setup), body (the test function) and teardown (`afterEach` hooks, cleanups and
 * fixture teardown), and leaves the split in the test's `meta` for `SuitekitReporter`; vitest
 * itself reports only the total. Use it with `test: { runner: '@suitekit/reporter/runner' }`.
 */
export default class TimingRunner extends TestRunner {
  /** Attempts running, by test id. */
  private readonly running = new Map<string, Attempt>()

  constructor(config: SerializedConfig) {
    super(config)
    // vitest wraps each phase of a test in a trace span: `run.test` around the whole test,
    // `test.callback` around fixture setup plus the test function
    const traceSpan = this.trace
    this.trace = <T>(
      name: string,
      attributes: Record<string, unknown> | (() => T),
      cb?: () => T,
    ): T => {
      const run = (cb ?? attributes) as () => T
      const attrs = typeof attributes === 'object' ? attributes : {}
      if (name === 'run.test') {
        const id = attrs['vitest.test.id']
        if (typeof id === 'string') return traceSpan(name, attrs, () => currentTest.run(id, run))
      }
      if (name === 'test.callback') {
        const id = currentTest.getStore()
        const attempt = id === undefined ? undefined : this.running.get(id)
        if (attempt) return traceSpan(name, attrs, () => timeCallback(attempt, run))
      }
      return traceSpan(name, attrs, run)
    }
  }

  override onBeforeTryTask(
    test: Parameters<TestRunner['onBeforeTryTask']>[0],
    options: TryOptions,
  ): void {
    super.onBeforeTryTask(test, options)
    if (test.type !== 'test') return
    watchFixtures(test.context)
    const attempt: Attempt = { startedAt: performance.now() }
    this.running.set(test.id, attempt)
    byContext.set(test.context, attempt)
  }

  override async onAfterRetryTask(test: RunnerTestCase, options: TryOptions): Promise<void> {
    const attempt = this.running.get(test.id)
    if (attempt) {
      this.running.delete(test.id)
      byContext.delete(test.context)
      test.meta.suitekit ??= { phases: [] }
      test.meta.suitekit.phases.push(splitOf(attempt, performance.now()))
    }
    await super.onAfterRetryTask(test, options)
  }
}

/** Runs the test callback, noting when it starts and ends. */
function timeCallback<T>(attempt: Attempt, run: () => T): T {
  attempt.callbackStartedAt = performance.now()
  attempt.lastFixtureAt = undefined
  const ended = () => {
    attempt.callbackEndedAt = performance.now()
  }
  const result = run()
  if (!isThenable(result)) {
    ended()
    return result
  }
  return result.then(
    (value) => {
      ended()
      return value
    },
    (error: unknown) => {
      ended()
      throw error
    },
  ) as T
}

/** Setup: up to the body's start (the last fixture ready); body: to the callback's end; teardown: the rest. */
function splitOf(attempt: Attempt, endedAt: number): PhaseSplit {
  const { startedAt, callbackStartedAt = endedAt, callbackEndedAt = endedAt } = attempt
  const bodyStartedAt = Math.min(
    Math.max(callbackStartedAt, attempt.lastFixtureAt ?? callbackStartedAt),
    callbackEndedAt,
  )
  return {
    setupMs: round(bodyStartedAt - startedAt),
    bodyMs: round(callbackEndedAt - bodyStartedAt),
    teardownMs: round(endedAt - callbackEndedAt),
  }
}

const watched = new WeakSet<object>()

/**
 * vitest assigns each fixture to the test context (`context[name] = value`) as it becomes ready,
 * and calls the test function right after the last one. A proxy in the context's prototype chain
 * sees those assignments, so that fixture setup counts as setup. (A retry reuses the fixtures'
 * properties, so a retried attempt counts its fixture setup in the body.)
 */
function watchFixtures(context: TestContext): void {
  if (watched.has(context)) return
  watched.add(context)
  const proto = Object.getPrototypeOf(context) as object
  Object.setPrototypeOf(
    context,
    new Proxy(proto, {
      set(target, key, value, receiver: object) {
        if (receiver !== context) return Reflect.set(target, key, value, receiver)
        const attempt = byContext.get(context)
        if (attempt?.callbackStartedAt !== undefined && attempt.callbackEndedAt === undefined) {
          attempt.lastFixtureAt = performance.now()
        }
        return Reflect.defineProperty(receiver, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        })
      },
    }),
  )
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function round(ms: number): number {
  return Math.round(Math.max(0, ms) * 100) / 100
}
