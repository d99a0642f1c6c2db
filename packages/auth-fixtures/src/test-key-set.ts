import {
  generateTestKey,
  importTestKey,
  serializeTestKey,
  type SerializedTestKey,
  type SigningAlgorithm,
  type TestKey,
} from './test-key.js'

/** One key per algorithm, and a second RS256 key (another `kid`) for key-rotation tests. */
export interface TestKeySet {
  HS256: TestKey
  RS256: TestKey
  ES256: TestKey
  EdDSA: TestKey
  /** Another RS256 key, to rotate to. */
  RS256Next: TestKey
}

const NAMES = ['HS256', 'RS256', 'ES256', 'EdDSA', 'RS256Next'] as const

/** Generates a {@link TestKeySet} (about 0.1 s, mostly RSA): once per test run. */
export async function generateTestKeySet(): Promise<TestKeySet> {
  const algorithm = (name: (typeof NAMES)[number]): SigningAlgorithm =>
    name === 'RS256Next' ? 'RS256' : name
  const keys = await Promise.all(
    NAMES.map((name) =>
      generateTestKey(algorithm(name), { kid: `suitekit-${name.toLowerCase()}` }),
    ),
  )
  return Object.fromEntries(NAMES.map((name, i) => [name, keys[i]])) as unknown as TestKeySet
}

/** The set as JSON, to hand from a vitest globalSetup to the workers. */
export async function serializeTestKeySet(
  set: TestKeySet,
): Promise<Record<string, SerializedTestKey>> {
  const entries = await Promise.all(
    NAMES.map(async (name) => [name, await serializeTestKey(set[name])]),
  )
  return Object.fromEntries(entries) as Record<string, SerializedTestKey>
}

/** The set back from {@link serializeTestKeySet}'s JSON. */
export async function importTestKeySet(
  serialized: Record<string, SerializedTestKey>,
): Promise<TestKeySet> {
  const entries = await Promise.all(
    NAMES.map(async (name) => {
      const key = serialized[name]
      if (!key) throw new TypeError(`the serialized key set has no '${name}' key`)
      return [name, await importTestKey(key)] as const
    }),
  )
  return Object.fromEntries(entries) as unknown as TestKeySet
}
