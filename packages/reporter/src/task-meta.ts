declare module 'vitest' {
  interface TaskMeta {
    /**
     * Written on each test by `@suitekit/reporter/runner` when the test ends: each attempt's setup,
     * body and teardown in ms, flat (`[setup1, body1, teardown1, setup2, ...]`). vitest sends it
     * with the test's result.
     */
    suitekitPhases?: number[]
  }
}

export {}
