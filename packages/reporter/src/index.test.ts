import { expect, it } from 'vitest'

it('exports exactly the public API', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_TIMINGS_FILE",
      "DURATION_PRESETS",
      "SuitekitReporter",
      "TIMINGS_VERSION",
      "checkBudgets",
      "compareTimings",
      "default",
      "efficiencyHint",
      "formatDurations",
      "formatMarkdownSummary",
      "formatTimingsFile",
      "imbalance",
      "mergeTimings",
      "parallelEfficiency",
      "planShards",
      "planShardsFromTimings",
      "readTimingsFile",
      "uploadTimings",
      "writeTimingsFile",
    ]
  `)
})
