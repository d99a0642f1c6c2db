export {
  generateTestKey,
  hmacTestKey,
  importTestKey,
  jwksOf,
  serializeTestKey,
} from './test-key.js'
export { negativeTokenCases, validAuthorization } from './negative-tokens.js'
export {
  FAST_HASH_PRESET,
  PASSWORD_HASHES,
  TEST_PASSWORDS,
  parseScryptHash,
} from './password-hashes.js'
export { createTestClock } from './test-clock.js'
export { generateTestKeySet, importTestKeySet, serializeTestKeySet } from './test-key-set.js'
export { startTestIssuer } from './test-issuer.js'
export { createTokenFactory } from './token-factory.js'
export type {
  NegativeTokenCase,
  NegativeTokenOptions,
  NegativeTokenResponse,
} from './negative-tokens.js'
export type {
  FastHashPreset,
  PasswordHashSet,
  ScryptHash,
  TestPasswordName,
} from './password-hashes.js'
export type { TestClock } from './test-clock.js'
export type { SerializedTestKey, SigningAlgorithm, TestKey } from './test-key.js'
export type { TestKeySet } from './test-key-set.js'
export type { TestIssuer } from './test-issuer.js'
export type { TokenFactory, TokenFactoryOptions, TokenSubject } from './token-factory.js'
