import type { PhaseSplit } from './timings-file.js'

declare module 'vitest' {
  interface TaskMeta {
    /** Written by `@suitekit/reporter/runner`: each attempt's setup / body / teardown split. */
    suitekit?: { phases: PhaseSplit[] }
  }
}
