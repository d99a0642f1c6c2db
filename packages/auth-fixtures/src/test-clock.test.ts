import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTestClock } from './test-clock.js'
import { createTokenFactory } from './token-factory.js'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'

describe('createTestClock', () => {
  it('tests expiry without sleeping: a token verifies until the clock passes its exp', async () => {
    const clock = createTestClock('2026-01-01T00:00:00Z')
    const token = await createTokenFactory({ secret, expiresInSeconds: 60, now: clock.now }).sign({
      id: 'u',
    })
    const verify = () =>
      jwtVerify(token, new TextEncoder().encode(secret), { currentDate: clock.now() })
    clock.advance(59)
    await expect(verify()).resolves.toBeTruthy()
    clock.advance(1)
    await expect(verify()).rejects.toThrow('"exp" claim timestamp check failed')
    clock.set('2026-01-01T00:00:30Z')
    await expect(verify()).resolves.toBeTruthy()
  })

  it.each([
    ['not a date', () => createTestClock('soon')],
    ['an infinite step', () => createTestClock().advance(Infinity)],
  ])('rejects %s', (_case, call) => {
    expect(call).toThrow(RangeError)
  })
})
