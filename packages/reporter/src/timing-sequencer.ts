import { stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { TestSequencer, TestSpecification, Vitest } from 'vitest/node'
import { planShardsFromTimings } from './shard-plan.js'
import { rememberShardPrediction } from './shard-prediction.js'
import { DEFAULT_TIMINGS_FILE, readTimingsFile } from './read-timings-file.js'

/**
 * A vitest sequencer whose `--shard=i/n` splits the test files by recorded time instead of by
 * count, so that the shards finish together: `sequence: { sequencer: TimingSequencer }`. It reads
 * `.suitekit/timings/timings.json` (or `SUITEKIT_TIMINGS_FILE`), typically the merged timings of
 * the last run on the main branch; files without a recorded time count as the median file. Every
 * shard computes the same plan from the same file, so together they run every file exactly once.
 * Files run in the order of vitest's own sequencer.
 */
export default class TimingSequencer implements TestSequencer {
  protected readonly ctx: Vitest

  constructor(ctx: Vitest) {
    this.ctx = ctx
  }

  async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
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

  /**
   * The order of vitest 5's `BaseSequencer`: by group order, by project, isolated projects first,
   * then files that failed last time, then the longest last time; against a file with no result
   * from last time, the larger file first. (Written out rather than inherited: importing
   * `BaseSequencer` loads all of `vitest/node`, 5-9 ms of every run's startup.)
   */
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache } = this.ctx
    const results = new Map(files.map((spec) => [spec, cache.getTestSpecificationResult(spec)]))
    const sizes = files.some((spec) => !results.get(spec))
      ? await fileSizes(files)
      : new Map<string, number>()
    return [...files].sort((a, b) => {
      const groupOrder = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder
      if (groupOrder !== 0) return groupOrder
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1
      if (a.project.config.isolate !== b.project.config.isolate)
        return a.project.config.isolate ? -1 : 1
      const aResult = results.get(a)
      const bResult = results.get(b)
      if (!aResult || !bResult) {
        const aSize = sizes.get(a.moduleId)
        const bSize = sizes.get(b.moduleId)
        if (aSize === undefined || bSize === undefined) {
          return aSize === undefined && bSize !== undefined
            ? -1
            : bSize === undefined && aSize !== undefined
              ? 1
              : 0
        }
        return bSize - aSize
      }
      if (aResult.failed !== bResult.failed) return aResult.failed ? -1 : 1
      return bResult.duration - aResult.duration
    })
  }
}

async function fileSizes(files: TestSpecification[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>()
  await Promise.all(
    [...new Set(files.map((spec) => spec.moduleId))].map(async (moduleId) => {
      try {
        sizes.set(moduleId, (await stat(moduleId)).size)
      } catch {
        // a file that cannot be read sorts as unknown; vitest reports the failure itself
      }
    }),
  )
  return sizes
}
