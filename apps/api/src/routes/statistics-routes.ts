import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import type { SqlEntityManager } from '@mikro-orm/sql'
import type { FastifyRequest } from 'fastify'
import {
  durationTrend,
  fileTimings,
  flakyTests,
  MAX_RECENT_RUNS,
  slowestTests,
} from '@suitekit/insights'
import { imbalance, planShards } from '@suitekit/reporter'
import { Type } from 'typebox'
import { invalidField } from '../http/api-error.ts'
import { errors, Nullable, ProjectParams, userAuth } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'
import { projectOf } from './project-routes.ts'

const recentRuns = (fallback: number) =>
  Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_RECENT_RUNS,
      default: fallback,
      description: "how many of the project's latest runs to look at",
    }),
  )
const branch = Type.Optional(
  Type.String({ minLength: 1, maxLength: 250, description: 'only runs of this branch' }),
)
const limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 }))

const TestRef = { file: Type.String(), name: Type.String() }

/** Slowest tests, flaky tests, the duration trend and a shard plan, per project. */
export function statisticsRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    /** Runs `work` after checking the project is the caller's (404 otherwise). */
    const forProject = <T>(
      request: FastifyRequest<{ Params: { projectId: string } }>,
      work: (em: SqlEntityManager, orgId: string) => Promise<T>,
    ): Promise<T> =>
      context.auth.asUser(request, async (em, me) => {
        await projectOf(em, me.orgId, request.params.projectId)
        return work(em, me.orgId)
      })

    app.get(
      '/projects/:projectId/slowest',
      {
        schema: {
          summary: 'The slowest tests of the latest runs, by mean duration',
          tags: ['statistics'],
          security: userAuth,
          params: ProjectParams,
          querystring: Type.Object(
            { runs: recentRuns(20), branch, limit },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  ...TestRef,
                  runs: Type.Integer(),
                  meanMs: Type.Number(),
                  maxMs: Type.Number(),
                  lastMs: Type.Number(),
                }),
              ),
            }),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request) => {
        const { runs = 20, branch, limit = 25 } = request.query
        const items = await forProject(request, (em, orgId) =>
          slowestTests(em, { orgId, projectId: request.params.projectId, runs, branch, limit }),
        )
        return { items }
      },
    )

    app.get(
      '/projects/:projectId/flaky',
      {
        schema: {
          summary: 'Tests that passed on a retry, or both passed and failed, in the latest runs',
          tags: ['statistics'],
          security: userAuth,
          params: ProjectParams,
          querystring: Type.Object(
            { runs: recentRuns(50), branch, limit },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  ...TestRef,
                  runs: Type.Integer(),
                  flakyRuns: Type.Integer(),
                  failedRuns: Type.Integer(),
                  passedRuns: Type.Integer(),
                  flakeRate: Type.Number(),
                }),
              ),
            }),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request) => {
        const { runs = 50, branch, limit = 25 } = request.query
        const items = await forProject(request, (em, orgId) =>
          flakyTests(em, { orgId, projectId: request.params.projectId, runs, branch, limit }),
        )
        return { items }
      },
    )

    app.get(
      '/projects/:projectId/trend',
      {
        schema: {
          summary:
            "Test durations over the latest runs, oldest first: the suite's, a file's or a test's",
          tags: ['statistics'],
          security: userAuth,
          params: ProjectParams,
          querystring: Type.Object(
            {
              runs: recentRuns(30),
              branch,
              file: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              points: Type.Array(
                Type.Object({
                  runId: Type.String(),
                  createdAt: Type.String({ format: 'date-time' }),
                  branch: Nullable(Type.String()),
                  commit: Nullable(Type.String()),
                  wallMs: Nullable(Type.Number()),
                  totalMs: Type.Number(),
                  tests: Type.Integer(),
                }),
              ),
            }),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request) => {
        const { runs = 30, branch, file, name } = request.query
        if (name !== undefined && file === undefined) {
          throw invalidField(
            'query.name',
            'needs query.file: a test is named by its file and its name',
          )
        }
        const points = await forProject(request, (em, orgId) =>
          durationTrend(em, {
            orgId,
            projectId: request.params.projectId,
            runs,
            branch,
            test: file === undefined ? undefined : { file, name },
          }),
        )
        return { points }
      },
    )

    app.get(
      '/projects/:projectId/shard-plan',
      {
        schema: {
          summary: 'Split the test files over N CI machines so they finish together',
          description:
            "From each file's mean time in the latest runs, longest first onto the least loaded shard (@suitekit/reporter's planner).",
          tags: ['statistics'],
          security: userAuth,
          params: ProjectParams,
          querystring: Type.Object(
            { shards: Type.Integer({ minimum: 1, maximum: 256 }), runs: recentRuns(10), branch },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              shards: Type.Array(
                Type.Object({
                  index: Type.Integer({ description: '1-based, as in --shard=i/N' }),
                  files: Type.Array(Type.String()),
                  predictedMs: Type.Number(),
                }),
              ),
              predictedImbalance: Type.Number({
                description: 'longest shard / mean shard; 1 is perfect',
              }),
              files: Type.Integer(),
            }),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request) => {
        const { shards: count, runs = 10, branch } = request.query
        const files = await forProject(request, (em, orgId) =>
          fileTimings(em, { orgId, projectId: request.params.projectId, runs, branch }),
        )
        const shards = planShards(files, count)
        return {
          shards: shards.map((shard, i) => ({
            index: i + 1,
            files: shard.files,
            predictedMs: Math.round(shard.predictedMs * 100) / 100,
          })),
          predictedImbalance: files.length === 0 ? 1 : imbalance(shards.map((s) => s.predictedMs)),
          files: files.length,
        }
      },
    )
    done()
  }
}
