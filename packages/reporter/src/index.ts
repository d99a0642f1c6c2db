import { SuitekitReporter } from './suitekit-reporter.js'

export { formatDurations } from './durations-report.js'
export { efficiencyHint, parallelEfficiency } from './parallel-efficiency.js'
export { planShards } from './plan-shards.js'
export { imbalance, planShardsFromTimings } from './shard-plan.js'
export { SuitekitReporter } from './suitekit-reporter.js'
export { TIMINGS_VERSION } from './timings-file.js'
export type { DurationsOptions } from './durations-report.js'
export type { Shard, TimedFile } from './plan-shards.js'
export type { ShardPlan } from './shard-plan.js'
export type { SuitekitReporterOptions } from './suitekit-reporter.js'
export type { FileTiming, TestTiming, TimingsFile } from './timings-file.js'

/** vitest loads a reporter package through its default export. */
export default SuitekitReporter
