import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startPostmaster } from '../src/internal/postmaster.js'
import { isAlive } from '../src/internal/process.js'

// How startPostgres starts its server, with commands that are not a server.
describe('startPostmaster', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postmaster-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('rejects with the spawn error for a binary that is not there, instead of crashing', async () => {
    await expect(
      startPostmaster(join(dir, 'no-such-postgres'), [], dir, join(dir, 'log'), 5000),
    ).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('ends the process group of a server that never gets ready', async () => {
    const pidFile = join(dir, 'pid')
    const started = startPostmaster(
      'sh',
      ['-c', `echo $$ > ${pidFile}; exec sleep 30`],
      dir,
      join(dir, 'log'),
      300,
    )
    await expect(started).rejects.toThrow('the server did not accept connections within 0.3 s')
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(pid).toBeGreaterThan(0)
    expect(isAlive(pid)).toBe(false)
  })
})
