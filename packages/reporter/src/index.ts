import { SuitekitReporter } from './suitekit-reporter.js'

export { checkBudgets } from './budgets.js'
export { compareTimings } from './compare-timings.js'
export { formatDurations } from './durations-report.js'
export { formatMarkdownSummary } from './markdown-summary.js'
export { mergeTimings } from './merge-timings.js'
export { efficiencyHint, parallelEfficiency } from './parallel-efficiency.js'
export { planShards } from './plan-shards.js'
export { DEFAULT_TIMINGS_FILE, readTimingsFile } from './read-timings-file.js'
export { imbalance, planShardsFromTimings } from './shard-plan.js'
export { DURATION_PRESETS, SuitekitReporter } from './suitekit-reporter.js'
export { TIMINGS_VERSION } from './timings-file.js'
export { uploadTimings } from './upload-timings.js'
export { formatTimingsFile, writeTimingsFile } from './write-timings-file.js'
export type { TimingBudgets } from './budgets.js'
export type { CompareOptions, TestChange, TimingsComparison } from './compare-timings.js'
export type { DurationsOptions } from './durations-report.js'
export type { MarkdownSummaryOptions } from './markdown-summary.js'
export type { MergedTimings } from './merge-timings.js'
export type { Shard, TimedFile } from './plan-shards.js'
export type { ShardPlan } from './shard-plan.js'
export type { SuitekitReporterOptions } from './suitekit-reporter.js'
export type {
  AttemptTiming,
  CiInfo,
  FileTiming,
  PhaseSplit,
  ShardInfo,
  ShardRun,
  TestTiming,
  TimingsFile,
} from './timings-file.js'
export type { UploadOptions, UploadResult } from './upload-timings.js'

/** vitest loads a reporter package through its default export. */
export default SuitekitReporter
