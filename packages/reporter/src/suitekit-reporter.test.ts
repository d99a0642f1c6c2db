import { describe, expect, it } from 'vitest'
import { SuitekitReporter } from './suitekit-reporter.js'

describe('SuitekitReporter options', () => {
  it('refuses an unknown preset, naming the known ones', () => {
    expect(() => new SuitekitReporter({ preset: 'jest' as 'js' })).toThrow(
      "@suitekit/reporter: unknown preset 'jest'; use 'pytest' or 'js'",
    )
  })
})
