import { expect, it } from 'vitest'

it('exports exactly the public API', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toMatchInlineSnapshot(`
    [
      "FAST_HASH_PRESET",
      "PASSWORD_HASHES",
      "TEST_PASSWORDS",
      "createTestClock",
      "createTokenFactory",
      "generateTestKey",
      "generateTestKeySet",
      "hmacTestKey",
      "importTestKey",
      "importTestKeySet",
      "jwksOf",
      "negativeTokenCases",
      "parseScryptHash",
      "serializeTestKey",
      "serializeTestKeySet",
      "startTestIssuer",
      "validAuthorization",
    ]
  `)
})

it('exports exactly the vitest API from @suitekit/auth-fixtures/vitest', async () => {
  expect(Object.keys(await import('./vitest.js')).sort()).toMatchInlineSnapshot(`
    [
      "testKeys",
      "testNegativeTokens",
    ]
  `)
})
