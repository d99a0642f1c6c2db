// vitest globalSetup: `globalSetup: ['@suitekit/auth-fixtures/global-setup']`.
import type { TestProject } from 'vitest/node'
import { generateTestKeySet, serializeTestKeySet } from './test-key-set.js'
import type { SerializedTestKey } from './test-key.js'

declare module 'vitest' {
  interface ProvidedContext {
    /** Test keys generated once for the run; read them with `testKeys()` from `@suitekit/auth-fixtures/vitest`. */
    'suitekit:auth-keys'?: Record<string, SerializedTestKey>
  }
}

/** Generates the run's test keys once and hands them to every worker, which then pay nothing for keys. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('suitekit:auth-keys', await serializeTestKeySet(await generateTestKeySet()))
}
