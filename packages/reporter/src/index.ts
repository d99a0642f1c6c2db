export { planShards } from './plan-shards.js'
export type { FileTiming, Shard } from './plan-shards.js'
