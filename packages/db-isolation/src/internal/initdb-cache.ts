import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { isAlive } from './process.js'

const run = promisify(execFile)

/** Runs one of the cluster's commands as the user who owns the cluster. */
export type RunAsOwner = (command: string, args: string[]) => Promise<unknown>

/** The arguments every throwaway cluster is initialized with. */
const INITDB_ARGS: readonly string[] = [
  '--no-sync',
  '-A',
  'trust',
  '-U',
  'postgres',
  '-E',
  'UTF8',
  '--locale=C',
]

const CACHE_PREFIX = 'suitekit-initdb-'

/**
 * Fills the empty folder `dataDir` with a new cluster: a copy of a pristine `initdb` output kept in
 * `cacheRoot` for these binaries when there is one (the copy takes a fraction of `initdb`'s time),
 * else `initdb` itself, whose output is then kept there for the next run. A cache that cannot be
 * read or written costs only the time: the cluster is made by `initdb` then.
 *
 * @returns where the cluster came from
 */
export async function initializeDataDir(options: {
  binDir: string
  dataDir: string
  /** Where pristine clusters are kept; `false` to always run `initdb`. */
  cacheRoot: string | false
  runAsOwner: RunAsOwner
}): Promise<'cache' | 'initdb'> {
  const { binDir, dataDir, cacheRoot, runAsOwner } = options
  const cached = await cachedClusterPath(cacheRoot, binDir)
  if (cached && existsSync(join(cached, 'PG_VERSION'))) {
    try {
      // `cp -a` keeps the files' owner (when run as root) and modes, as the server needs them
      await run('cp', ['-a', `${cached}/.`, dataDir])
      return 'cache'
    } catch {
      // an unreadable or half-removed cache: start over from initdb
      await emptyDataDir(dataDir)
    }
  }
  await runAsOwner(join(binDir, 'initdb'), [...INITDB_ARGS, '-D', dataDir])
  if (cached) await keep(dataDir, cached)
  return 'initdb'
}

/** Forgets the cached cluster of these binaries (one that did not start), and empties `dataDir`. */
export async function forgetCachedCluster(options: {
  binDir: string
  dataDir: string
  cacheRoot: string | false
}): Promise<void> {
  const cached = await cachedClusterPath(options.cacheRoot, options.binDir)
  if (cached) await rm(cached, { recursive: true, force: true }).catch(() => {})
  await emptyDataDir(options.dataDir)
}

/** initdb wants an empty folder: the folder itself stays (its owner is the server's user). */
async function emptyDataDir(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir).catch(() => [] as string[])) {
    await rm(join(dataDir, name), { recursive: true, force: true })
  }
}

/**
 * Copies a pristine cluster into the cache under a name of its own, then renames it into place:
 * a reader never sees half a copy, and of two runs that race to keep one, one wins.
 */
async function keep(dataDir: string, cached: string): Promise<void> {
  const partial = `${cached}.partial-${process.pid}`
  try {
    await run('cp', ['-a', dataDir, partial])
    await rename(partial, cached)
  } catch {
    // another run kept one first, or the cache folder is not writable: nothing is lost
    await rm(partial, { recursive: true, force: true }).catch(() => {})
  }
}

/**
 * The cache entry of these binaries (it changes when they are replaced, as by an upgrade), or
 * undefined without a cache or without binaries to key it by.
 */
async function cachedClusterPath(
  cacheRoot: string | false,
  binDir: string,
): Promise<string | undefined> {
  if (cacheRoot === false) return undefined
  const hash = createHash('sha256').update(binDir).update(INITDB_ARGS.join(' '))
  for (const binary of ['initdb', 'postgres']) {
    const found = await stat(join(binDir, binary)).catch(() => undefined)
    if (!found) return undefined
    hash.update(`${binary}:${found.size}:${found.mtimeMs}`)
  }
  return join(cacheRoot, `${CACHE_PREFIX}${hash.digest('hex').slice(0, 16)}`)
}

/** Removes the half copies of runs that died while keeping one. */
export async function sweepPartialCaches(cacheRoot: string | false): Promise<void> {
  if (cacheRoot === false) return
  for (const name of await readdir(cacheRoot).catch(() => [] as string[])) {
    const match = new RegExp(`^${CACHE_PREFIX}[0-9a-f]+\\.partial-(\\d+)$`).exec(name)
    if (match && !isAlive(Number(match[1]))) {
      await rm(join(cacheRoot, name), { recursive: true, force: true }).catch(() => {})
    }
  }
}
