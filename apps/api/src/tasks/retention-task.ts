import { inTenantScope, Run, Upload, type InsightsOrm } from '@suitekit/insights'
import { periodicTask, type BackgroundTask } from '@suitekit/lifespan'

/** How often retention runs. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000

/**
 * Deletes the runs (with their test results) and the finished uploads older than `retentionDays`.
 * @returns how many runs and uploads it deleted
 */
export async function deleteExpired(
  orm: InsightsOrm,
  retentionDays: number,
  now: Date = new Date(),
): Promise<{ runs: number; uploads: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
  return inTenantScope(orm, 'system', async (em) => {
    // test results go with their run (on delete cascade)
    const runs = await em.nativeDelete(Run, { createdAt: { $lt: cutoff } })
    const uploads = await em.nativeDelete(Upload, {
      createdAt: { $lt: cutoff },
      status: { $in: ['done', 'failed'] },
    })
    return { runs, uploads }
  })
}

/** The retention task: {@link deleteExpired} every hour, starting at startup. */
export function retentionTask(
  orm: () => InsightsOrm,
  retentionDays: number,
  log: (message: string) => void,
): BackgroundTask {
  return periodicTask(
    'retention',
    RETENTION_INTERVAL_MS,
    async () => {
      const deleted = await deleteExpired(orm(), retentionDays)
      if (deleted.runs + deleted.uploads > 0) {
        log(
          `retention: deleted ${deleted.runs} runs and ${deleted.uploads} uploads older than ${retentionDays} days`,
        )
      }
    },
    { runImmediately: true },
  )
}
