import { defineEntity, p } from '@mikro-orm/core'
import { SqliteDriver } from '@mikro-orm/sqlite'
import { describe, expect, it, vi } from 'vitest'
import { createTemplate } from '../src/template.js'
import { beginTestScope } from '../src/test-scope.js'
import { openWorkerDatabase } from '../src/worker-database.js'

const PlainSchema = defineEntity({
  name: 'Plain',
  properties: { id: p.integer().primary(), label: p.string() },
})

describe('the per-test work', () => {
  it('sends no query besides BEGIN and ROLLBACK once the worker knows its schema', async () => {
    const template = await createTemplate({
      config: { driver: SqliteDriver, entities: [PlainSchema] },
    })
    const worker = await openWorkerDatabase(template, { workerId: '1' })
    try {
      await (await beginTestScope(worker.orm)).end() // the first test looks the schema up once
      const execute = vi.spyOn(worker.orm.driver.getConnection(), 'execute')
      for (let i = 0; i < 3; i++) await (await beginTestScope(worker.orm)).end()
      expect(execute).not.toHaveBeenCalled()
    } finally {
      await worker.close()
    }
  })
})
