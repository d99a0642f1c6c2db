import { inTenantScope, Upload, type InsightsOrm } from '@suitekit/insights'
import { periodicTask, type BackgroundTask } from '@suitekit/lifespan'

/** How often the watchdog looks for stuck uploads. */
export const WATCHDOG_INTERVAL_MS = 60 * 1000

/**
 * Marks failed the uploads a worker started more than `stuckMinutes` ago and never finished (the
 * worker died or hung), with a reason their uploader can read. The raw upload stays.
 * @returns how many uploads it marked failed
 */
export async function failStuckUploads(
  orm: InsightsOrm,
  stuckMinutes: number,
  now: Date = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - stuckMinutes * 60_000)
  return inTenantScope(orm, 'system', (em) =>
    em.nativeUpdate(
      Upload,
      { status: 'processing', startedAt: { $lt: cutoff } },
      {
        status: 'failed',
        finishedAt: now,
        reason: `no worker finished processing it within ${stuckMinutes} minutes; upload it again`,
      },
    ),
  )
}

/** The watchdog task: {@link failStuckUploads} every minute. */
export function uploadWatchdogTask(
  orm: () => InsightsOrm,
  stuckMinutes: number,
  log: (message: string) => void,
): BackgroundTask {
  return periodicTask('upload-watchdog', WATCHDOG_INTERVAL_MS, async () => {
    const failed = await failStuckUploads(orm(), stuckMinutes)
    if (failed > 0) log(`upload watchdog: marked ${failed} stuck uploads failed`)
  })
}
