import type { SqlEntityManager } from '@mikro-orm/sql'
import { Run, TestResult, Upload } from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { deleteExpired } from '../src/tasks/retention-task.ts'
import { failStuckUploads } from '../src/tasks/upload-watchdog-task.ts'
import { test } from './support/api-test.ts'
import {
  asSystem,
  batch,
  makeOrg,
  makeProject,
  makeResult,
  makeRun,
  makeUpload,
} from './support/builders.ts'

const NOW = new Date('2025-06-01T12:00:00.000Z')
const MINUTE = 60_000
const DAY = 86_400_000
const ago = (ms: number) => new Date(NOW.getTime() - ms)

/** Two projects in two organizations. */
async function twoOrganizations(em: SqlEntityManager) {
  const { acme, globex } = await batch(em, async () => {
    const acme = await makeProject(em, { org: await makeOrg(em) })
    const globex = await makeProject(em, { org: await makeOrg(em) })
    return { acme, globex }
  })
  return { acme, globex }
}

/** The upload as the database has it now (not as the test's identity map remembers it). */
async function reload(em: SqlEntityManager, id: string) {
  await asSystem(em)
  em.clear()
  return em.findOneOrFail(Upload, { id }, { populate: ['body'] })
}

describe('deleteExpired (retention)', { tags: ['integration'] }, () => {
  test('deletes the runs, their results and the finished uploads older than the cutoff, in every organization', async ({
    em,
    orm,
  }) => {
    const { acme, globex } = await twoOrganizations(em)
    const cutoff = ago(30 * DAY)
    const before = (ms: number) => new Date(cutoff.getTime() - ms)
    const after = (ms: number) => new Date(cutoff.getTime() + ms)

    const { oldAcme, oldGlobex, atCutoff, recent } = await batch(em, async () => {
      const oldAcme = await makeRun(em, { project: acme, createdAt: before(DAY) })
      const oldGlobex = await makeRun(em, { project: globex, createdAt: before(1000) })
      const atCutoff = await makeRun(em, { project: acme, createdAt: cutoff })
      const recent = await makeRun(em, { project: globex, createdAt: after(DAY) })
      return { oldAcme, oldGlobex, atCutoff, recent }
    })
    for (const run of [oldAcme, oldAcme, oldGlobex, atCutoff, recent]) {
      await makeResult(em, { run })
    }
    const doneOld = await makeUpload(em, { project: acme, status: 'done', createdAt: before(DAY) })
    const failedOld = await makeUpload(em, {
      project: globex,
      status: 'failed',
      createdAt: before(DAY),
    })
    const kept = [
      await makeUpload(em, { project: acme, status: 'queued', createdAt: before(10 * DAY) }),
      await makeUpload(em, {
        project: globex,
        status: 'processing',
        createdAt: before(10 * DAY),
        startedAt: before(10 * DAY),
      }),
      await makeUpload(em, { project: acme, status: 'done', createdAt: after(1000) }),
      await makeUpload(em, { project: globex, status: 'failed', createdAt: cutoff }),
    ]

    const deleted = await deleteExpired(orm, 30, NOW)

    expect(deleted).toEqual({ runs: 2, uploads: 2 })
    await asSystem(em)
    em.clear()
    const runs = await em.find(Run, {}, { orderBy: { createdAt: 'asc' } })
    expect(runs.map((run) => run.id)).toEqual([atCutoff.id, recent.id])
    const results = await em.find(TestResult, {})
    expect(results.map((result) => result.run.id).sort()).toEqual([atCutoff.id, recent.id].sort())
    const uploads = await em.find(Upload, {})
    expect(uploads.map((upload) => upload.id).sort()).toEqual(kept.map((u) => u.id).sort())
    expect(uploads.map((upload) => upload.id)).not.toContain(doneOld.id)
    expect(uploads.map((upload) => upload.id)).not.toContain(failedOld.id)
  })

  test('deletes nothing when nothing is older than the retention', async ({ em, orm }) => {
    const { acme } = await twoOrganizations(em)
    await batch(em, async () => {
      const run = await makeRun(em, { project: acme, createdAt: ago(DAY) })
      await makeResult(em, { run })
      await makeUpload(em, { project: acme, status: 'done', createdAt: ago(DAY) })
    })

    expect(await deleteExpired(orm, 2, NOW)).toEqual({ runs: 0, uploads: 0 })
    // one day later, the same run and upload are past a one-day retention
    expect(await deleteExpired(orm, 1, new Date(NOW.getTime() + DAY))).toEqual({
      runs: 1,
      uploads: 1,
    })
    await asSystem(em)
    expect(await em.count(TestResult, {})).toBe(0)
  })
})

describe('failStuckUploads (upload watchdog)', { tags: ['integration'] }, () => {
  test('marks failed the uploads processing since before the cutoff, in every organization, and keeps their body', async ({
    em,
    orm,
  }) => {
    const { acme, globex } = await twoOrganizations(em)
    const stuckAcme = await makeUpload(em, {
      project: acme,
      status: 'processing',
      body: '{"version":1,"acme":true}',
      createdAt: ago(25 * MINUTE),
      startedAt: ago(20 * MINUTE),
    })
    const stuckGlobex = await makeUpload(em, {
      project: globex,
      status: 'processing',
      body: '{"version":1,"globex":true}',
      createdAt: ago(2 * DAY),
      startedAt: ago(DAY),
    })
    const recent = await makeUpload(em, {
      project: acme,
      status: 'processing',
      createdAt: ago(6 * MINUTE),
      startedAt: ago(5 * MINUTE),
    })
    const atCutoff = await makeUpload(em, {
      project: globex,
      status: 'processing',
      createdAt: ago(20 * MINUTE),
      startedAt: ago(15 * MINUTE),
    })
    const queued = await makeUpload(em, { project: acme, status: 'queued', createdAt: ago(DAY) })
    const done = await makeUpload(em, {
      project: globex,
      status: 'done',
      createdAt: ago(DAY),
      startedAt: ago(DAY),
    })

    expect(await failStuckUploads(orm, 15, NOW)).toBe(2)

    for (const [stuck, body] of [
      [stuckAcme, '{"version":1,"acme":true}'],
      [stuckGlobex, '{"version":1,"globex":true}'],
    ] as const) {
      const found = await reload(em, stuck.id)
      expect(found.status).toBe('failed')
      expect(found.finishedAt?.getTime()).toBe(NOW.getTime())
      expect(found.reason).toBe(
        'no worker finished processing it within 15 minutes; upload it again',
      )
      expect(found.body).toBe(body)
      expect(found.startedAt?.getTime()).toBe(stuck.startedAt?.getTime())
    }
    for (const [untouched, status] of [
      [recent, 'processing'],
      [atCutoff, 'processing'],
      [queued, 'queued'],
      [done, 'done'],
    ] as const) {
      const found = await reload(em, untouched.id)
      expect({ status: found.status, reason: found.reason ?? null }).toEqual({
        status,
        reason: null,
      })
      expect(found.finishedAt ?? null).toBeNull()
    }
  })

  test('counts nothing when no upload is stuck, and catches up later', async ({ em, orm }) => {
    const { acme } = await twoOrganizations(em)
    const upload = await makeUpload(em, {
      project: acme,
      status: 'processing',
      startedAt: ago(MINUTE),
    })
    expect(await failStuckUploads(orm, 15, NOW)).toBe(0)
    expect((await reload(em, upload.id)).status).toBe('processing')
    const later = new Date(NOW.getTime() + 15 * MINUTE)
    expect(await failStuckUploads(orm, 15, later)).toBe(1)
    const failed = await reload(em, upload.id)
    expect(failed.status).toBe('failed')
    expect(failed.finishedAt?.getTime()).toBe(later.getTime())
    // already failed: not counted twice
    expect(await failStuckUploads(orm, 15, later)).toBe(0)
  })
})
