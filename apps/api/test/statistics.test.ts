import type { SqlEntityManager } from '@mikro-orm/sql'
import type { Project } from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { test } from './support/api-test.ts'
import {
  batch,
  makeOrg,
  makeOrgWithProject,
  makeProject,
  makeResult,
  makeRun,
  makeUser,
} from './support/builders.ts'

/** Runs `hours` hours after a fixed start, so that their order is known. */
const at = (hours: number) => new Date(Date.UTC(2025, 0, 1, hours))

/** A viewer (the least a statistics route needs) and one project of their organization. */
function viewerWithProject(em: SqlEntityManager) {
  return batch(em, async () => {
    const { org, user, project } = await makeOrgWithProject(em, { role: 'viewer' })
    return { org, user, project }
  })
}

/**
 * Three main-branch runs (oldest first):
 *   a.test.ts > slow     100, 300, 200           → mean 200, max 300, last 200
 *   a.test.ts > medium    50,  70, skipped 9999  → mean 60,  max 70,  last 70 (2 runs)
 *   b.test.ts > fast      10,  11, 11            → mean 10.67, max 11, last 11
 *   b.test.ts > ignored   skipped in every run   → never listed
 */
function slowestData(em: SqlEntityManager, project: Project) {
  return batch(em, async () => {
    const runs = [
      await makeRun(em, { project, createdAt: at(1) }),
      await makeRun(em, { project, createdAt: at(2) }),
      await makeRun(em, { project, createdAt: at(3) }),
    ]
    const durations: [string, string, (number | 'skipped')[]][] = [
      ['a.test.ts', 'slow', [100, 300, 200]],
      ['a.test.ts', 'medium', [50, 70, 'skipped']],
      ['b.test.ts', 'fast', [10, 11, 11]],
      ['b.test.ts', 'ignored', ['skipped', 'skipped', 'skipped']],
    ]
    for (const [i, run] of runs.entries()) {
      for (const [file, name, values] of durations) {
        const value = values[i]!
        await makeResult(
          em,
          value === 'skipped'
            ? { run, file, name, durationMs: 9999, status: 'skipped' }
            : { run, file, name, durationMs: value },
        )
      }
    }
    return runs
  })
}

describe('GET /api/projects/:projectId/slowest', { tags: ['integration'] }, () => {
  test('lists tests by mean duration, slowest first, without skipped results', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    await slowestData(em, project)
    const response = await app.inject({
      url: `/api/projects/${project.id}/slowest`,
      headers: await signIn(user),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      items: [
        { file: 'a.test.ts', name: 'slow', runs: 3, meanMs: 200, maxMs: 300, lastMs: 200 },
        { file: 'a.test.ts', name: 'medium', runs: 2, meanMs: 60, maxMs: 70, lastMs: 70 },
        { file: 'b.test.ts', name: 'fast', runs: 3, meanMs: 10.67, maxMs: 11, lastMs: 11 },
      ],
    })
  })

  test('runs=N looks only at the N latest runs', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    await slowestData(em, project)
    const headers = await signIn(user)
    const two = await app.inject({ url: `/api/projects/${project.id}/slowest?runs=2`, headers })
    expect(two.statusCode).toBe(200)
    expect(two.json()).toEqual({
      items: [
        { file: 'a.test.ts', name: 'slow', runs: 2, meanMs: 250, maxMs: 300, lastMs: 200 },
        { file: 'a.test.ts', name: 'medium', runs: 1, meanMs: 70, maxMs: 70, lastMs: 70 },
        { file: 'b.test.ts', name: 'fast', runs: 2, meanMs: 11, maxMs: 11, lastMs: 11 },
      ],
    })
    const one = await app.inject({ url: `/api/projects/${project.id}/slowest?runs=1`, headers })
    // the latest run skipped `medium`: it is not in the list at all
    expect(one.json()).toEqual({
      items: [
        { file: 'a.test.ts', name: 'slow', runs: 1, meanMs: 200, maxMs: 200, lastMs: 200 },
        { file: 'b.test.ts', name: 'fast', runs: 1, meanMs: 11, maxMs: 11, lastMs: 11 },
      ],
    })
  })

  test('branch looks only at runs of that branch, before counting the latest', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    await slowestData(em, project)
    // the newest run of all is on another branch, with a much slower `slow`
    await batch(em, async () => {
      const feature = await makeRun(em, { project, createdAt: at(4), branch: 'feature/x' })
      await makeResult(em, { run: feature, file: 'a.test.ts', name: 'slow', durationMs: 1000 })
    })
    const headers = await signIn(user)

    const onFeature = await app.inject({
      url: `/api/projects/${project.id}/slowest?branch=feature%2Fx`,
      headers,
    })
    expect(onFeature.json()).toEqual({
      items: [
        { file: 'a.test.ts', name: 'slow', runs: 1, meanMs: 1000, maxMs: 1000, lastMs: 1000 },
      ],
    })

    const latestMain = await app.inject({
      url: `/api/projects/${project.id}/slowest?branch=main&runs=1`,
      headers,
    })
    expect(latestMain.json()).toEqual({
      items: [
        { file: 'a.test.ts', name: 'slow', runs: 1, meanMs: 200, maxMs: 200, lastMs: 200 },
        { file: 'b.test.ts', name: 'fast', runs: 1, meanMs: 11, maxMs: 11, lastMs: 11 },
      ],
    })

    const all = await app.inject({ url: `/api/projects/${project.id}/slowest`, headers })
    expect(all.json<{ items: unknown[] }>().items[0]).toEqual({
      file: 'a.test.ts',
      name: 'slow',
      runs: 4,
      meanMs: 400, // (100 + 300 + 200 + 1000) / 4
      maxMs: 1000,
      lastMs: 1000,
    })
  })

  test('limit keeps the slowest N', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    await slowestData(em, project)
    const response = await app.inject({
      url: `/api/projects/${project.id}/slowest?limit=2`,
      headers: await signIn(user),
    })
    expect(response.json<{ items: { name: string }[] }>().items.map((item) => item.name)).toEqual([
      'slow',
      'medium',
    ])
  })

  test('answers 400 for runs and limit out of bounds, and accepts the bounds', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    const headers = await signIn(user)
    const cases: [string, string][] = [
      ['runs=0', 'query.runs'],
      ['runs=501', 'query.runs'],
      ['limit=0', 'query.limit'],
      ['limit=201', 'query.limit'],
      ['runs=2.5', 'query.runs'],
    ]
    for (const [query, field] of cases) {
      const response = await app.inject({
        url: `/api/projects/${project.id}/slowest?${query}`,
        headers,
      })
      expect(response.statusCode, query).toBe(400)
      const body = response.json<{ error: string; issues: { field: string }[] }>()
      expect(body.error, query).toBe('invalid_request')
      expect(
        body.issues.map((issue) => issue.field),
        query,
      ).toEqual([field])
    }
    for (const query of ['runs=1', 'runs=500', 'limit=1', 'limit=200']) {
      const response = await app.inject({
        url: `/api/projects/${project.id}/slowest?${query}`,
        headers,
      })
      expect(response.statusCode, query).toBe(200)
      expect(response.json(), query).toEqual({ items: [] })
    }
  })
})

describe('GET /api/projects/:projectId/flaky', { tags: ['integration'] }, () => {
  test('lists the tests that were flaky or both failed and passed, highest flake rate first', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    const file = 'flaky.test.ts'
    const statuses = {
      'flaky once': ['passed', 'flaky', 'passed', 'passed'],
      'failed then passed': ['failed', 'passed', 'skipped', 'skipped'],
      'always passing': ['passed', 'passed', 'passed', 'passed'],
      'always failing': ['failed', 'failed', 'failed', 'failed'],
    } as const
    await batch(em, async () => {
      for (const i of [0, 1, 2, 3]) {
        const run = await makeRun(em, { project, createdAt: at(i + 1) })
        for (const [name, byRun] of Object.entries(statuses)) {
          await makeResult(em, { run, file, name, status: byRun[i]! })
        }
      }
    })
    const headers = await signIn(user)
    const response = await app.inject({ url: `/api/projects/${project.id}/flaky`, headers })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      items: [
        {
          file,
          name: 'failed then passed',
          runs: 2,
          flakyRuns: 0,
          failedRuns: 1,
          passedRuns: 1,
          flakeRate: 0.5,
        },
        {
          file,
          name: 'flaky once',
          runs: 4,
          flakyRuns: 1,
          failedRuns: 0,
          passedRuns: 3,
          flakeRate: 0.25,
        },
      ],
    })

    // the two latest runs: `failed then passed` was skipped there, `flaky once` only passed
    const recent = await app.inject({ url: `/api/projects/${project.id}/flaky?runs=2`, headers })
    expect(recent.json()).toEqual({ items: [] })
    const three = await app.inject({ url: `/api/projects/${project.id}/flaky?runs=3`, headers })
    expect(three.json()).toEqual({
      items: [
        {
          file,
          name: 'flaky once',
          runs: 3,
          flakyRuns: 1,
          failedRuns: 0,
          passedRuns: 2,
          flakeRate: 0.33,
        },
      ],
    })
  })
})

describe('GET /api/projects/:projectId/trend', { tags: ['integration'] }, () => {
  /** Three runs, made newest first: the trend must still be oldest first. */
  const trendData = (em: SqlEntityManager, project: Project) =>
    batch(em, async () => {
      const { newest, oldest, middle } = await batch(em, async () => {
        const newest = await makeRun(em, { project, createdAt: at(3), wallMs: 900 })
        const oldest = await makeRun(em, { project, createdAt: at(1), wallMs: 1000 })
        const middle = await makeRun(em, {
          project,
          createdAt: at(2),
          branch: 'dev',
          commit: 'abc',
        })
        return { newest, oldest, middle }
      })
      for (const [run, x, y, z] of [
        [oldest, 100, 50, 30],
        [middle, 120, 60, 40],
        [newest, 110, undefined, undefined],
      ] as const) {
        await makeResult(em, { run, file: 'a.test.ts', name: 'x', durationMs: x })
        if (y !== undefined)
          await makeResult(em, { run, file: 'a.test.ts', name: 'y', durationMs: y })
        if (z !== undefined)
          await makeResult(em, { run, file: 'b.test.ts', name: 'z', durationMs: z })
        await makeResult(em, {
          run,
          file: 'a.test.ts',
          name: 'skipped',
          durationMs: 5000,
          status: 'skipped',
        })
      }
      return { oldest, middle, newest }
    })

  const point = (
    run: { id: string; createdAt: Date; branch?: string | null; commit?: string | null },
    wallMs: number | null,
    totalMs: number,
    tests: number,
  ) => ({
    runId: run.id,
    createdAt: run.createdAt.toISOString(),
    branch: run.branch ?? null,
    commit: run.commit ?? null,
    wallMs,
    totalMs,
    tests,
  })

  test("gives each run's total duration, oldest first, without skipped results", async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    const { oldest, middle, newest } = await trendData(em, project)
    const response = await app.inject({
      url: `/api/projects/${project.id}/trend`,
      headers: await signIn(user),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      points: [
        point(oldest, 1000, 180, 3),
        point(middle, null, 220, 3),
        point(newest, 900, 110, 1),
      ],
    })
  })

  test('narrows to a file, or to one test by file and name, and to the latest runs', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    const { oldest, middle, newest } = await trendData(em, project)
    const headers = await signIn(user)
    const base = `/api/projects/${project.id}/trend`

    const byFile = await app.inject({ url: `${base}?file=a.test.ts`, headers })
    expect(byFile.json()).toEqual({
      points: [
        point(oldest, 1000, 150, 2),
        point(middle, null, 180, 2),
        point(newest, 900, 110, 1),
      ],
    })

    // the newest run did not run `y`: it is left out
    const byTest = await app.inject({ url: `${base}?file=a.test.ts&name=y`, headers })
    expect(byTest.json()).toEqual({
      points: [point(oldest, 1000, 50, 1), point(middle, null, 60, 1)],
    })

    const latest = await app.inject({ url: `${base}?runs=2`, headers })
    expect(latest.json()).toEqual({
      points: [point(middle, null, 220, 3), point(newest, 900, 110, 1)],
    })

    const onBranch = await app.inject({ url: `${base}?branch=dev`, headers })
    expect(onBranch.json()).toEqual({ points: [point(middle, null, 220, 3)] })
  })

  test('answers 400 on query.name when a name comes without its file', async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project } = await viewerWithProject(em)
    const response = await app.inject({
      url: `/api/projects/${project.id}/trend?name=y`,
      headers: await signIn(user),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      error: 'invalid_request',
      issues: [
        {
          field: 'query.name',
          reason: 'needs query.file: a test is named by its file and its name',
        },
      ],
    })
  })
})

describe('GET /api/projects/:projectId/shard-plan', { tags: ['integration'] }, () => {
  /** Mean file times 60 (70 then 50), 30 and 30 (in one run only). */
  const shardData = (em: SqlEntityManager, project: Project) =>
    batch(em, async () => {
      await batch(em, async () => {
        const first = await makeRun(em, { project, createdAt: at(1) })
        const second = await makeRun(em, { project, createdAt: at(2) })
        await makeResult(em, { run: first, file: 'a.test.ts', durationMs: 40 })
        await makeResult(em, { run: first, file: 'a.test.ts', durationMs: 30 })
        await makeResult(em, { run: second, file: 'a.test.ts', durationMs: 50 })
        await makeResult(em, { run: first, file: 'b.test.ts', durationMs: 30 })
        await makeResult(em, { run: second, file: 'b.test.ts', durationMs: 30 })
        await makeResult(em, { run: first, file: 'c.test.ts', durationMs: 20 })
        await makeResult(em, { run: first, file: 'c.test.ts', durationMs: 10 })
      })
    })

  test('splits the files so that the predicted times balance', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    await shardData(em, project)
    const headers = await signIn(user)
    const two = await app.inject({
      url: `/api/projects/${project.id}/shard-plan?shards=2`,
      headers,
    })
    expect(two.statusCode).toBe(200)
    expect(two.json()).toEqual({
      shards: [
        { index: 1, files: ['a.test.ts'], predictedMs: 60 },
        { index: 2, files: ['b.test.ts', 'c.test.ts'], predictedMs: 60 },
      ],
      predictedImbalance: 1,
      files: 3,
    })

    const three = await app.inject({
      url: `/api/projects/${project.id}/shard-plan?shards=3`,
      headers,
    })
    expect(three.json()).toEqual({
      shards: [
        { index: 1, files: ['a.test.ts'], predictedMs: 60 },
        { index: 2, files: ['b.test.ts'], predictedMs: 30 },
        { index: 3, files: ['c.test.ts'], predictedMs: 30 },
      ],
      predictedImbalance: 1.5, // 60 / mean 40
      files: 3,
    })
  })

  test('puts every file on exactly one shard', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    const files = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'].map((name) => `${name}.test.ts`)
    await batch(em, async () => {
      const run = await makeRun(em, { project })
      for (const [i, file] of files.entries()) {
        await makeResult(em, { run, file, durationMs: (i + 1) * 13 })
      }
    })
    const response = await app.inject({
      url: `/api/projects/${project.id}/shard-plan?shards=3`,
      headers: await signIn(user),
    })
    const plan = response.json<{
      shards: { index: number; files: string[]; predictedMs: number }[]
      files: number
    }>()
    expect(plan.files).toBe(7)
    expect(plan.shards.map((shard) => shard.index)).toEqual([1, 2, 3])
    expect(plan.shards.flatMap((shard) => shard.files).sort()).toEqual(files)
    const total = plan.shards.reduce((sum, shard) => sum + shard.predictedMs, 0)
    expect(total).toBe(13 * (1 + 2 + 3 + 4 + 5 + 6 + 7))
  })

  test('gives empty shards for a project without runs', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    const response = await app.inject({
      url: `/api/projects/${project.id}/shard-plan?shards=2`,
      headers: await signIn(user),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      shards: [
        { index: 1, files: [], predictedMs: 0 },
        { index: 2, files: [], predictedMs: 0 },
      ],
      predictedImbalance: 1,
      files: 0,
    })
  })

  test('answers 400 without shards, or with shards out of bounds', async ({ em, app, signIn }) => {
    const { user, project } = await viewerWithProject(em)
    const headers = await signIn(user)
    const missing = await app.inject({ url: `/api/projects/${project.id}/shard-plan`, headers })
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toMatchObject({
      error: 'invalid_request',
      issues: [{ field: 'query.shards', reason: 'is required' }],
    })
    for (const shards of ['0', '257', 'two']) {
      const response = await app.inject({
        url: `/api/projects/${project.id}/shard-plan?shards=${shards}`,
        headers,
      })
      expect(response.statusCode, shards).toBe(400)
      expect(response.json<{ issues: { field: string }[] }>().issues[0]!.field).toBe('query.shards')
    }
  })
})

describe('statistics of another organization', { tags: ['integration', 'security'] }, () => {
  test("answer 404 for another organization's project and never show its data", async ({
    em,
    app,
    signIn,
  }) => {
    const { user, project: own } = await viewerWithProject(em)
    const { otherOrg, theirs, run } = await batch(em, async () => {
      const otherOrg = await makeOrg(em)
      const theirs = await makeProject(em, { org: otherOrg })
      const run = await makeRun(em, { project: theirs, createdAt: at(1) })
      return { otherOrg, theirs, run }
    })
    await makeResult(em, {
      run,
      file: 'their-secret.test.ts',
      name: 'their secret test',
      durationMs: 500,
      status: 'flaky',
    })
    await batch(em, async () => {
      const mine = await makeRun(em, { project: own, createdAt: at(2) })
      await makeResult(em, { run: mine, file: 'mine.test.ts', name: 'mine', durationMs: 5 })
    })
    const headers = await signIn(user)

    for (const path of ['slowest', 'flaky', 'trend', 'shard-plan?shards=2']) {
      const response = await app.inject({
        url: `/api/projects/${theirs.id}/${path}`,
        headers,
      })
      expect(response.statusCode, path).toBe(404)
      expect(response.json(), path).toEqual({
        error: 'not_found',
        message: `project ${theirs.id} not found`,
        requestId: response.headers['x-request-id'],
      })
      expect(response.body, path).not.toContain('their')

      const ownAnswer = await app.inject({ url: `/api/projects/${own.id}/${path}`, headers })
      expect(ownAnswer.statusCode, path).toBe(200)
      expect(ownAnswer.body, path).not.toContain('their')
    }
    // their data is there: only the caller's organization makes the difference
    const theirUser = await makeUser(em, { org: otherOrg, role: 'viewer' })
    const theirAnswer = await app.inject({
      url: `/api/projects/${theirs.id}/slowest`,
      headers: await signIn(theirUser),
    })
    expect(theirAnswer.statusCode).toBe(200)
    expect(theirAnswer.body).toContain('their secret test')
  })

  test('answer 401 without a token', async ({ em, app }) => {
    const { project } = await viewerWithProject(em)
    const response = await app.inject({ url: `/api/projects/${project.id}/slowest` })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ error: 'unauthorized' })
  })
})
