import { relative, resolve } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { planShardsFromTimings } from './shard-plan.js'
import { rememberShardPrediction } from './shard-prediction.js'
import { DEFAULT_TIMINGS_FILE, readTimingsFile } from './read-timings-file.js'

/**
 * A vitest sequencer whose `--shard=i/n` splits the test files by recorded time instead of by
 * count, so that the shards finish together: `sequence: { sequencer: TimingSequencer }`. It reads
 * `.suitekit/timings/timings.json` (or `SUITEKIT_TIMINGS_FILE`), typically the merged timings of
 * the last run on the main branch; files without a recorded time count as the median file. Every
 * shard computes the same plan from the same file, so together they run every file exactly once.
 */
export default class TimingSequencer extends BaseSequencer {
  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { config } = this.ctx
    const { index, count } = config.shard!
    const path = resolve(config.root, process.env.SUITEKIT_TIMINGS_FILE ?? DEFAULT_TIMINGS_FILE)
    const timings = await readTimingsFile(path)
    if (!timings) {
      this.ctx.logger.warn(
        `@suitekit/reporter: no timings file at ${path}; shard ${index}/${count} is planned with every file estimated alike`,
      )
    }
    const fileOf = (spec: TestSpecification) => relative(config.root, spec.moduleId)
    const plan = planShardsFromTimings([...new Set(files.map(fileOf))], timings, count)
    const mine = plan.shards[index - 1]!
    rememberShardPrediction({ index, count, predictedMs: mine.predictedMs })
    const chosen = new Set(mine.files)
    return files.filter((spec) => chosen.has(fileOf(spec)))
  }
}
