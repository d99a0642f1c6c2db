import {
  TestRunner,
  type RunnerTask,
  type RunnerTestCase,
  type RunnerTestSuite,
  type TestContext,
} from 'vitest'
import type {} from './task-meta.js'

type TryOptions = Parameters<TestRunner['onBeforeTryTask']>[1]

/** One test as it runs: where vitest's clock started, and its current attempt. */
interface Running {
  /** When vitest started the test's clock (just after `onBeforeRunTask`). */
  runStartedAt: number
  attempt?: Attempt
  /** Each attempt's setup, body and teardown, flat. */
  phases: number[]
  /** When the last attempt ended (`onAfterRetryTask`). */
  lastAttemptEndedAt?: number
}

/** One attempt of one test, as it runs. */
interface Attempt {
  startedAt: number
  callbackStartedAt?: number
  callbackEndedAt?: number
  /** When the last fixture was assigned to the context while the test callback ran. */
  lastFixtureAt?: number
}

/** Tests running (several at once under `describe.concurrent`). */
const running = new WeakMap<RunnerTask, Running>()
/** The splits of each test file's tests, until the file ends. */
const phasesByFile = new WeakMap<RunnerTask, Record<string, number[]>>()

/**
 * vitest's test runner, plus a stopwatch: it splits every test attempt into setup (`aroundEach`
 * and `beforeEach` hooks, fixture setup), body (the test function) and teardown (`afterEach` and
 * `aroundEach` hooks, cleanups and fixture teardown), and leaves the splits in each test file's
 * `meta` for `SuitekitReporter`; vitest itself reports only the total. Use it with
 * `test: { runner: '@suitekit/reporter/runner' }`.
 */
export default class TimingRunner extends TestRunner {
  override onBeforeRunTask(test: RunnerTask): Promise<void> {
    const done = super.onBeforeRunTask(test) // synchronous work; vitest starts its clock right after
    if (test.type === 'test') running.set(test, { runStartedAt: performance.now(), phases: [] })
    return done
  }

  override onBeforeTryTask(test: RunnerTask, options: TryOptions): void {
    super.onBeforeTryTask(test, options)
    const state = running.get(test)
    if (!state || test.type !== 'test') return
    watchFixtures(test.context)
    // the first attempt's setup starts with vitest's clock (aroundEach hooks run before this call)
    const startedAt = state.attempt === undefined ? state.runStartedAt : performance.now()
    const attempt: Attempt = { startedAt }
    state.attempt = attempt
  }

  /** Runs the test function (fixture setup included), noting when it starts and ends. */
  async runTask(test: RunnerTestCase): Promise<void> {
    const fn = TestRunner.getTestFn(test) as (() => unknown) | undefined
    if (!fn) throw new Error('Test function is not found. Did you add it using `setFn`?')
    const attempt = running.get(test)?.attempt
    if (!attempt) {
      await fn()
      return
    }
    attempt.callbackStartedAt = performance.now()
    attempt.lastFixtureAt = undefined
    try {
      await fn()
    } finally {
      attempt.callbackEndedAt = performance.now()
    }
  }

  override onAfterRetryTask(test: RunnerTestCase, options: TryOptions): Promise<void> {
    const state = running.get(test)
    if (state?.attempt) {
      const endedAt = performance.now()
      pushSplit(state.phases, state.attempt, endedAt)
      state.lastAttemptEndedAt = endedAt
    }
    return super.onAfterRetryTask(test, options)
  }

  override onAfterRunTask(test: RunnerTask): void {
    const state = running.get(test)
    if (state?.lastAttemptEndedAt !== undefined) {
      // vitest stopped the test's clock just before this hook: what ran since the last attempt
      // (aroundEach teardown, aroundEach fixtures' cleanup) is teardown
      const { phases } = state
      const teardown = phases.length - 1
      phases[teardown] = round(phases[teardown]! + performance.now() - state.lastAttemptEndedAt)
      let ofFile = phasesByFile.get(test.file)
      if (!ofFile) phasesByFile.set(test.file, (ofFile = {}))
      ofFile[test.id] = phases
    }
    running.delete(test)
    super.onAfterRunTask(test)
  }

  override async onAfterRunSuite(suite: RunnerTestSuite): Promise<void> {
    const phases = suite.file === suite ? phasesByFile.get(suite) : undefined
    if (phases) {
      phasesByFile.delete(suite)
      suite.meta.suitekitPhases = phases
    }
    await super.onAfterRunSuite(suite)
  }
}

/** Setup: up to the body's start (the last fixture ready); body: to the callback's end; teardown: the rest. */
function pushSplit(phases: number[], attempt: Attempt, endedAt: number): void {
  const { startedAt, callbackStartedAt = endedAt, callbackEndedAt = endedAt } = attempt
  const bodyStartedAt = Math.min(
    Math.max(callbackStartedAt, attempt.lastFixtureAt ?? callbackStartedAt),
    callbackEndedAt,
  )
  phases.push(
    round(bodyStartedAt - startedAt),
    round(callbackEndedAt - bodyStartedAt),
    round(endedAt - callbackEndedAt),
  )
}

/** One proxy per original prototype, shared by every watched context. */
const watchingPrototypes = new WeakMap<object, object>()

/**
 * vitest assigns each fixture to the test context (`context[name] = value`) as it becomes ready,
 * and calls the test function right after the last one. A proxy in the context's prototype chain
 * sees those assignments, so that fixture setup counts as setup. All contexts share one proxy, so
 * that they keep one shape and vitest's own property accesses stay fast. (A retry reuses the
 * fixtures' properties, so a retried attempt counts its fixture setup in the body.)
 */
function watchFixtures(context: TestContext): void {
  const proto = Object.getPrototypeOf(context) as object | null
  if (proto === null || isWatchingPrototype.has(proto)) return
  let watching = watchingPrototypes.get(proto)
  if (!watching) {
    watching = new Proxy(proto, { set: noteFixture })
    watchingPrototypes.set(proto, watching)
    isWatchingPrototype.add(watching)
  }
  Object.setPrototypeOf(context, watching)
}

const isWatchingPrototype = new WeakSet<object>()

/** A new property set on a watched context: note the time when it is a fixture of a running body. */
function noteFixture(
  target: object,
  key: string | symbol,
  value: unknown,
  receiver: object,
): boolean {
  // a watched context is a test's context: its `task` is the test
  const test = (receiver as Partial<TestContext>).task
  const attempt = test && running.get(test)?.attempt
  if (attempt?.callbackStartedAt !== undefined && attempt.callbackEndedAt === undefined) {
    attempt.lastFixtureAt = performance.now()
  }
  return Reflect.set(target, key, value, receiver)
}

function round(ms: number): number {
  return Math.round(Math.max(0, ms) * 100) / 100
}
