import { describe, expect, inject, it } from 'vitest'
import { createTemplate } from '../src/template.js'
import { openDatabaseClone, openWorkerDatabase } from '../src/worker-database.js'
import { Role, ormConfig, seedRoles } from './schema.js'

describe('copies of one PostgreSQL template in one process', () => {
  const template = () =>
    createTemplate(
      {
        config: { ...ormConfig('postgresql'), dbName: 'dbiso_copies' },
        seed: seedRoles,
        seedVersion: 1,
      },
      inject('suitekit:postgres-url'),
    )

  it('gives two clones open at once databases of their own', async () => {
    const t = await template()
    const [first, second] = await Promise.all([openDatabaseClone(t), openDatabaseClone(t)])
    try {
      expect(first.name).not.toBe(second.name)
      const em = first.orm.em.fork()
      em.create(Role, { name: 'only in the first' })
      await em.flush()
      expect(await first.orm.em.fork().count(Role)).toBe(4)
      expect(await second.orm.em.fork().count(Role)).toBe(3)
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })

  it('never drops a worker database this process still uses', async () => {
    const t = await template()
    const worker = await openWorkerDatabase(t, { workerId: '7' })
    const again = await openWorkerDatabase(t, { workerId: '7' })
    try {
      expect(again.name).not.toBe(worker.name)
      // the first one is still there and usable
      expect(await worker.orm.em.fork().count(Role)).toBe(3)
    } finally {
      await again.close()
      await worker.close()
    }
  })
})
