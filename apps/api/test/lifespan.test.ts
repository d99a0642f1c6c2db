import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createDatabase,
  inTenantScope,
  Organization,
  Project,
  Run,
  TestResult,
} from '@suitekit/insights'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { DEMO_CREDENTIALS, seedDemo } from '../src/demo-seed.ts'
import { createService, type Service } from '../src/service.ts'

// The regression test of the service as main.ts runs it: the real lifespan, with its background
// tasks, on a SQLite file of its own (not the suite's test database or its test mode).
describe('the service (createService)', { tags: ['integration'] }, () => {
  let dir: string
  let file: string
  const running: Service[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-lifespan-'))
    file = join(dir, 'data', 'insights.sqlite')
  })
  afterEach(async () => {
    // a failed test must not leave a listener or a timer behind
    for (const service of running.splice(0)) await service.lifespan.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  function start() {
    const log: string[] = []
    const config = loadConfig({ DATABASE_FILE: file, PORT: '0', SEED_DEMO: 'true' })
    const service = createService(config, { log: (line) => log.push(line), logger: false })
    running.push(service)
    return { service, log }
  }

  it('starts every background task, serves, seeds the demo and stops everything', async () => {
    const { service, log } = start()
    const { lifespan, app } = service
    expect(lifespan.tasks.map((task) => task.started)).toEqual([false, false])

    await lifespan.start()

    expect(lifespan.state).toBe('ready')
    expect(lifespan.tasks).toEqual([
      { name: 'retention', started: true, ended: false, restarts: 0 },
      { name: 'upload-watchdog', started: true, ended: false, restarts: 0 },
    ])
    const health = await app.inject({ url: '/health' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toEqual({ status: 'ready', database: 'ok' })

    const port = (app.server.address() as AddressInfo).port
    expect(port).toBeGreaterThan(0)
    const url = `http://127.0.0.1:${port}`
    expect(log).toContain(`Insights API listening on ${url} (SQLite: ${file})`)
    expect(log).toContain(
      `  demo sign-in: ${DEMO_CREDENTIALS.email} / ${DEMO_CREDENTIALS.password} (created now)`,
    )
    expect(log.some((line) => line.startsWith('applied migrations: '))).toBe(true)
    expect(log.some((line) => line.includes(`curl -s ${url}/api/login`))).toBe(true)

    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: DEMO_CREDENTIALS,
    })
    expect(login.statusCode).toBe(200)
    const { token } = login.json<{ token: string }>()
    const projects = await app.inject({
      url: '/api/projects',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(projects.statusCode).toBe(200)
    expect(projects.json()).toMatchObject({
      items: [{ name: 'Demo project', slug: 'demo' }],
      total: 1,
    })
    // it really listens, too
    const overTheNetwork = await fetch(`${url}/health`)
    expect(overTheNetwork.status).toBe(200)

    const report = await lifespan.stop()

    expect(lifespan.state).toBe('stopped')
    expect(lifespan.tasks).toEqual([
      { name: 'retention', started: true, ended: true, restarts: 0 },
      { name: 'upload-watchdog', started: true, ended: true, restarts: 0 },
    ])
    const parts = report.parts.map(({ name, kind, overran }) => ({ name, kind, overran }))
    // the tasks are awaited together (reported as they end), then the resources in reverse
    expect(parts.slice(0, 2).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'retention', kind: 'task', overran: false },
      { name: 'upload-watchdog', kind: 'task', overran: false },
    ])
    expect(parts.slice(2)).toEqual([
      { name: 'http', kind: 'resource', overran: false },
      { name: 'demo-seed', kind: 'resource', overran: false },
      { name: 'database', kind: 'resource', overran: false },
    ])
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })

  it('does not seed or migrate again on a second start, and runs retention at startup', async () => {
    // the file as a first start leaves it (migrated, demo seeded), plus a run past the retention
    // (90 days by default), written while the service is down
    const database = createDatabase({ file })
    await database.start()
    expect(await seedDemo(database.orm)).toBe(true)
    const expired = await inTenantScope(database.orm, 'system', async (em) => {
      const org = await em.findOneOrFail(Organization, { name: 'Demo' })
      const project = await em.findOneOrFail(Project, { org })
      const run = em.create(Run, {
        org,
        project,
        createdAt: new Date(Date.now() - 91 * 86_400_000),
      })
      em.create(TestResult, {
        org,
        project,
        run,
        file: 'old.test.ts',
        name: 'old',
        durationMs: 1,
        status: 'passed',
      })
      await em.flush()
      return run.id
    })
    await database.stop()

    const second = start()
    await second.service.lifespan.start()
    const demoLine = second.log.find((line) => line.startsWith('  demo sign-in: '))
    expect(demoLine).toBe(
      `  demo sign-in: ${DEMO_CREDENTIALS.email} / ${DEMO_CREDENTIALS.password}`,
    )
    expect(second.log.join('\n')).not.toContain('(created now)')
    expect(second.log.some((line) => line.startsWith('applied migrations'))).toBe(false)

    // the retention task's first tick runs right after start
    await vi.waitFor(
      () =>
        expect(second.log).toContain('retention: deleted 1 runs and 0 uploads older than 90 days'),
      { timeout: 5000, interval: 5 },
    )
    const remaining = await inTenantScope(second.service.database.orm, 'system', (em) =>
      em.count(Run, { id: expired }),
    )
    expect(remaining).toBe(0)

    const login = await second.service.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: DEMO_CREDENTIALS,
    })
    expect(login.statusCode).toBe(200)
    await second.service.lifespan.stop()
    expect(second.service.lifespan.tasks.every((task) => task.started && task.ended)).toBe(true)
  })
})
