import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase } from '@suitekit/insights'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorker } from '../src/app.ts'

describe('createWorker', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-worker-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('is healthy only between lifespan start and stop', async () => {
    const worker = createWorker({
      database: createDatabase({ file: join(dir, 'insights.sqlite') }),
    })
    expect(await worker.isHealthy()).toBe(false)
    await worker.lifespan.start()
    expect(worker.lifespan.state).toBe('ready')
    expect(await worker.isHealthy()).toBe(true)
    await worker.lifespan.stop()
    expect(await worker.isHealthy()).toBe(false)
  })

  it('fails to start, naming the database, when its folder cannot be created', async () => {
    await writeFile(join(dir, 'not-a-folder'), '')
    const worker = createWorker({
      database: createDatabase({ file: join(dir, 'not-a-folder', 'insights.sqlite') }),
    })
    const error: unknown = await worker.lifespan.start().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).message).toContain("resource 'database' threw")
    expect(((error as AggregateError).errors[0] as Error).cause).toMatchObject({
      code: 'EEXIST',
      path: join(dir, 'not-a-folder'),
    })
    expect(worker.lifespan.state).toBe('stopped')
  })
})
