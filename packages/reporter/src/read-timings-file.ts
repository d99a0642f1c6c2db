import { readFile } from 'node:fs/promises'
import { TIMINGS_VERSION, type TimingsFile } from './timings-file.js'

/** Where the reporter writes, and the timing sequencer reads, the timings of a run. */
export const DEFAULT_TIMINGS_FILE = '.suitekit/timings/timings.json'

/** The timings file at `path`; undefined when there is none. Throws on another format version. */
export async function readTimingsFile(path: string): Promise<TimingsFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let timings: TimingsFile
  try {
    timings = JSON.parse(text) as TimingsFile
  } catch (error) {
    throw new Error(`${path} is not a timings file: ${(error as Error).message}`, {
      cause: error,
    })
  }
  if (timings.version !== TIMINGS_VERSION) {
    throw new Error(
      `${path} is a version ${String(timings.version)} timings file; this version of @suitekit/reporter reads version ${String(TIMINGS_VERSION)}`,
    )
  }
  return timings
}
