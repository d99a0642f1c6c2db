declare module 'vitest' {
  interface TaskMeta {
    /**
     * Written on each test file by `@suitekit/reporter/runner` when the file ends: by test id, each
     * attempt's setup, body and teardown in ms, flat (`[setup1, body1, teardown1, setup2, ...]`).
     * Sent once per file, so that the split costs vitest no extra work per test.
     */
    suitekitPhases?: Record<string, number[]>
  }
}

export {}
