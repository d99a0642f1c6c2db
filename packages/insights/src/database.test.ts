import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatabase } from './database.js'
import { Organization } from './entities/index.js'

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
    const database = createDatabase({ file })
    await database.start()
    await database.ping()
    expect((await stat(file)).isFile()).toBe(true)
    await database.stop()
  })

  it('refuses to be used before it has started or after it has stopped', async () => {
    const database = createDatabase({ file: join(dir, 'insights.sqlite') })
    expect(() => database.orm).toThrow('the database is not started yet')
    await database.start()
    await database.stop()
    await expect(database.ping()).rejects.toThrow('the database is not started')
  })

  it('applies the migrations on first start and none on the next, keeping the rows', async () => {
    const file = join(dir, 'insights.sqlite')
    const applied: string[][] = []
    const database = createDatabase({ file }, { onMigrated: (names) => applied.push(names) })
    await database.start()
    const em = database.orm.em.fork()
    em.create(Organization, { name: 'Acme' })
    await em.flush()
    await database.stop()
    await database.start()
    const names = await database.orm.em.fork().find(Organization, {})
    await database.stop()
    expect(applied[0]!.length).toBeGreaterThan(0)
    expect(applied[0]![0]).toMatch(/^Migration\d+_initial$/)
    expect(applied[1]).toEqual([])
    expect(names.map((o) => o.name)).toEqual(['Acme'])
  })
})
