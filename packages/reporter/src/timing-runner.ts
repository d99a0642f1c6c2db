import { TestRunner, type RunnerTask, type RunnerTestCase, type TestContext } from 'vitest'
import type {} from './task-meta.js'

type TryOptions = Parameters<TestRunner['onBeforeTryTask']>[1]

/** A time not taken yet (every field is a number, so that all states keep one shape). */
const NONE = -1

/** One test as it runs, over all its attempts. */
interface Running {
  /** Attempts started so far. */
  attempts: number
  /** When the current attempt's setup started: vitest's clock for the first attempt. */
  startedAt: number
  callbackStartedAt: number
  callbackEndedAt: number
  /** When the last fixture was assigned to the context while the test callback ran. */
  lastFixtureAt: number
  /** When the last attempt ended (`onAfterRetryTask`). */
  endedAt: number
  /** Each attempt's setup, body and teardown, flat. */
  phases: number[]
}

/** Tests running (several at once under `describe.concurrent`). */
const running = new WeakMap<RunnerTask, Running>()

/**
 * vitest's test runner, plus a stopwatch: it splits every test attempt into setup (`aroundEach`
 * and `beforeEach` hooks, fixture setup), body (the test function) and teardown (`afterEach` and
 * `aroundEach` hooks, cleanups and fixture teardown), and leaves the splits in each test's `meta`
 * for `SuitekitReporter`; vitest itself reports only the total. Use it with
 * `test: { runner: '@suitekit/reporter/runner' }`.
 */
export default class TimingRunner extends TestRunner {
  override onBeforeRunTask(test: RunnerTask): Promise<void> {
    const done = super.onBeforeRunTask(test) // synchronous work; vitest starts its clock right after
    if (test.type === 'test') {
      running.set(test, {
        attempts: 0,
        startedAt: performance.now(),
        callbackStartedAt: NONE,
        callbackEndedAt: NONE,
        lastFixtureAt: NONE,
        endedAt: NONE,
        phases: [],
      })
    }
    return done
  }

  override onBeforeTryTask(test: RunnerTask, options: TryOptions): void {
    super.onBeforeTryTask(test, options)
    const state = running.get(test)
    if (state === undefined || test.type !== 'test') return
    watchFixtures(test.context)
    // the first attempt's setup starts with vitest's clock (aroundEach hooks run before this call)
    if (state.attempts++ > 0) state.startedAt = performance.now()
    state.callbackStartedAt = NONE
    state.callbackEndedAt = NONE
    state.lastFixtureAt = NONE
  }

  /** Runs the test function (fixture setup included), noting when it starts and ends. */
  async runTask(test: RunnerTestCase): Promise<void> {
    const fn = TestRunner.getTestFn(test) as (() => unknown) | undefined
    if (!fn) throw new Error('Test function is not found. Did you add it using `setFn`?')
    const state = running.get(test)
    if (state === undefined) {
      await fn()
      return
    }
    state.callbackStartedAt = performance.now()
    try {
      await fn()
    } finally {
      state.callbackEndedAt = performance.now()
    }
  }

  override onAfterRetryTask(test: RunnerTestCase, options: TryOptions): Promise<void> {
    const state = running.get(test)
    if (state !== undefined) {
      const endedAt = performance.now()
      pushSplit(state, endedAt)
      state.endedAt = endedAt
    }
    return super.onAfterRetryTask(test, options)
  }

  override onAfterRunTask(test: RunnerTask): void {
    const state = running.get(test)
    if (state !== undefined) {
      running.delete(test)
      if (state.endedAt !== NONE) {
        // vitest stopped the test's clock just before this hook: what ran since the last attempt
        // (aroundEach teardown, aroundEach fixtures' cleanup) is teardown
        const { phases } = state
        phases[phases.length - 1]! += performance.now() - state.endedAt
        for (let i = 0; i < phases.length; i++) phases[i] = round(phases[i]!)
        // vitest sends the test's meta to the main process with the test's result
        test.meta.suitekitPhases = phases
      }
    }
    super.onAfterRunTask(test)
  }
}

/** Setup: up to the body's start (the last fixture ready); body: to the callback's end; teardown: the rest. */
function pushSplit(state: Running, endedAt: number): void {
  const { startedAt, lastFixtureAt } = state
  const callbackStartedAt = state.callbackStartedAt === NONE ? endedAt : state.callbackStartedAt
  const callbackEndedAt = state.callbackEndedAt === NONE ? endedAt : state.callbackEndedAt
  const bodyStartedAt = Math.min(Math.max(callbackStartedAt, lastFixtureAt), callbackEndedAt)
  state.phases.push(
    bodyStartedAt - startedAt,
    callbackEndedAt - bodyStartedAt,
    endedAt - callbackEndedAt,
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
  const state = test && running.get(test)
  if (state && state.callbackStartedAt !== NONE && state.callbackEndedAt === NONE) {
    state.lastFixtureAt = performance.now()
  }
  return Reflect.set(target, key, value, receiver)
}

function round(ms: number): number {
  return Math.round(Math.max(0, ms) * 100) / 100
}
