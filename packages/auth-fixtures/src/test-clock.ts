/** A clock a test moves by hand: tokens are minted and verified at its time, nothing sleeps. */
export interface TestClock {
  /** The clock's current time: pass `clock.now` as the factory's `now`, `clock.now()` as jose's `currentDate`. */
  readonly now: () => Date
  /** Moves the clock forward (or back, with a negative number). */
  advance(seconds: number): void
  /** Sets the clock to `time`. */
  set(time: Date | string): void
}

/**
 * A clock pinned at `start`.
 *
 * @example
 * const clock = createTestClock('2026-01-01T00:00:00Z')
 * const tokens = createTokenFactory({ key, expiresInSeconds: 60, now: clock.now })
 * const token = await tokens.sign({ id: 'u1' })
 * clock.advance(61) // the app, verifying with { currentDate: clock.now() }, now answers 401
 */
export function createTestClock(start: Date | string = new Date()): TestClock {
  let current = toTime(start)
  return {
    now: () => new Date(current),
    advance(seconds) {
      if (!Number.isFinite(seconds))
        throw new RangeError(`cannot advance the clock by ${seconds} seconds`)
      current += seconds * 1000
    },
    set(time) {
      current = toTime(time)
    },
  }
}

function toTime(time: Date | string): number {
  const ms = new Date(time).getTime()
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`)
  return ms
}
