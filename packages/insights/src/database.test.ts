import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatabase } from './database.js'

describe('createDatabase', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-db-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates the SQLite file and its folder on start, and answers a ping', async () => {
    const file = join(dir, 'nested', 'insights.sqlite')
    const database = createDatabase(file)
    await database.start()
    await database.ping()
    expect((await stat(file)).isFile()).toBe(true)
    await database.stop()
  })

  it('refuses to be used before it has started or after it has stopped', async () => {
    const database = createDatabase(join(dir, 'insights.sqlite'))
    expect(() => database.orm).toThrow('the database is not started yet')
    await database.start()
    await database.stop()
    await expect(database.ping()).rejects.toThrow('the database is not started')
  })
})
