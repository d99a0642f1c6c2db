import { open, readFile, rm, stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { isAlive } from './process.js'

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long. @default 120_000 */
  timeoutMs?: number
  /** A lock file with no owner pid yet is taken over once older than this. @default 10_000 */
  staleMs?: number
}

/**
 * Runs `fn` while holding an exclusive lock file (`O_EXCL` create), so concurrent processes on one
 * machine take turns. A lock left by a dead process is taken over.
 */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  { timeoutMs = 120_000, staleMs = 10_000 }: FileLockOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      const handle = await open(lockFile, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (await isStale(lockFile, staleMs)) {
        await rm(lockFile, { force: true })
        continue
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${lockFile}; delete it if no test run is active`,
          { cause: error },
        )
      }
      await sleep(wait)
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lockFile, { force: true })
  }
}

/** A lock is stale when its owner is dead, or when it never got an owner pid and is old. */
async function isStale(lockFile: string, staleMs: number): Promise<boolean> {
  const pid = Number(await readFile(lockFile, 'utf8').catch(() => ''))
  if (pid > 0) return !isAlive(pid)
  const info = await stat(lockFile).catch(() => undefined)
  return info !== undefined && Date.now() - info.mtimeMs > staleMs
}
