import type { ShardInfo } from './timings-file.js'

// the sequencer and the reporter may be loaded as two copies of this package (the config bundles
// one, the other comes from node_modules): they meet on a global symbol, not a module variable
const key = Symbol.for('@suitekit/reporter:shard-prediction')
const store = globalThis as { [key]?: ShardInfo }

/** Called by the timing sequencer once it has planned this run's shard. */
export function rememberShardPrediction(prediction: ShardInfo): void {
  store[key] = prediction
}

/** What the timing sequencer predicted for this run's shard, if it planned one. */
export function shardPrediction(): ShardInfo | undefined {
  return store[key]
}
