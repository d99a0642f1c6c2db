import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Run } from '@suitekit/insights'
import { Type } from 'typebox'
import { errors, Nullable, Page, PageQuery, ProjectParams, userAuth } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'
import { projectOf } from './project-routes.ts'

const RunBody = Type.Object({
  id: Type.String(),
  branch: Nullable(Type.String()),
  commit: Nullable(Type.String()),
  ciJob: Nullable(Type.String()),
  shard: Nullable(Type.Object({ index: Type.Integer(), count: Type.Integer() })),
  wallMs: Nullable(Type.Number()),
  testCount: Type.Integer(),
  failedCount: Type.Integer(),
  uploadId: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})

/** `GET /api/projects/:projectId/runs`: a project's runs, newest first, a page at a time. */
export function runRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/projects/:projectId/runs',
      {
        schema: {
          summary: "A project's runs, newest first",
          tags: ['runs'],
          security: userAuth,
          params: ProjectParams,
          querystring: Type.Object(
            { ...PageQuery, branch: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })) },
            { additionalProperties: false },
          ),
          response: { 200: Page(RunBody), ...errors(400, 401, 404) },
        },
      },
      async (request) => {
        const { limit = 20, offset = 0, branch } = request.query
        const [runs, total] = await context.auth.asUser(request, async (em, me) => {
          const project = await projectOf(em, me.orgId, request.params.projectId)
          return em.findAndCount(
            Run,
            { org: me.orgId, project, ...(branch === undefined ? {} : { branch }) },
            { orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset },
          )
        })
        const items = runs.map((run) => ({
          id: run.id,
          branch: run.branch ?? null,
          commit: run.commit ?? null,
          ciJob: run.ciJob ?? null,
          shard:
            run.shardIndex != null && run.shardCount != null
              ? { index: run.shardIndex, count: run.shardCount }
              : null,
          wallMs: run.wallMs == null ? null : Number(run.wallMs),
          testCount: run.testCount,
          failedCount: run.failedCount,
          uploadId: run.upload?.id ?? null,
          createdAt: run.createdAt.toISOString(),
        }))
        return { items, total, limit, offset }
      },
    )
    done()
  }
}
