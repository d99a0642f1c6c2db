import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import {
  ApiToken,
  inTenantScope,
  parseUpload,
  Upload,
  UPLOAD_CONTENT_TYPES,
  UploadFormatError,
} from '@suitekit/insights'
import { Type } from 'typebox'
import { ApiError, notFound } from '../http/api-error.ts'
import { errors, Nullable, projectAuth, userAuth, Uuid } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'
import { projectOf } from './project-routes.ts'

const UploadBody = Type.Object({
  id: Type.String(),
  status: Type.String({ description: 'queued, processing, done or failed' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'why it failed' }),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
})

/**
 * `POST /api/uploads`: a CI job sends a run (the reporter's JSON or JUnit XML) with its project
 * token. The body is read whole (up to the size limit) and checked before anything is stored, so a
 * malformed upload leaves nothing behind; a good one is stored as it came, queued for the worker.
 */
export function uploadRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    // this plugin's own parsers: the raw text of the three upload formats, and nothing else
    app.removeAllContentTypeParsers()
    app.addContentTypeParser(
      Object.keys(UPLOAD_CONTENT_TYPES),
      { parseAs: 'string', bodyLimit: context.config.uploadLimitBytes },
      (_request, body, done) => done(null, body),
    )

    app.post(
      '/uploads',
      {
        bodyLimit: context.config.uploadLimitBytes,
        schema: {
          summary: 'Upload a run for the worker to process (project token)',
          description: `Content types: ${Object.keys(UPLOAD_CONTENT_TYPES).join(', ')}. Answers 202 once the upload is stored and queued.`,
          tags: ['uploads'],
          security: projectAuth,
          response: {
            202: Type.Object({
              id: Type.String(),
              status: Type.Literal('queued'),
              format: Type.String(),
              tests: Type.Integer(),
            }),
            ...errors(400, 401, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const caller = await context.auth.project(request)
        const body = typeof request.body === 'string' ? request.body : ''
        const contentType = request.headers['content-type'] ?? ''
        let tests: number
        let format: string
        try {
          const report = parseUpload(body, contentType)
          tests = report.results.length
          format = report.format
        } catch (error) {
          if (!(error instanceof UploadFormatError)) throw error
          const field =
            error.field === 'content-type'
              ? 'headers.content-type'
              : error.field === 'body'
                ? 'body'
                : `body.${error.field}`
          throw new ApiError(
            400,
            'invalid_upload',
            `the upload cannot be read: ${field} ${error.reason}`,
            [{ field, reason: error.reason }],
          )
        }
        const upload = await inTenantScope(context.orm(), caller, async (em) => {
          const created = em.create(Upload, {
            org: caller.orgId,
            project: caller.projectId,
            contentType: contentType.slice(0, 100),
            body,
            sizeBytes: Buffer.byteLength(body),
            status: 'queued',
          })
          await em.nativeUpdate(
            ApiToken,
            { id: caller.tokenId, org: caller.orgId },
            { lastUsedAt: new Date() },
          )
          await em.flush()
          return created
        })
        return reply.code(202).send({ id: upload.id, status: 'queued' as const, format, tests })
      },
    )

    app.get(
      '/projects/:projectId/uploads/:uploadId',
      {
        schema: {
          summary: "An upload's status, and why it failed",
          tags: ['uploads'],
          security: userAuth,
          params: Type.Object({ projectId: Uuid, uploadId: Uuid }, { additionalProperties: false }),
          response: { 200: UploadBody, ...errors(400, 401, 404) },
        },
      },
      async (request) => {
        const { projectId, uploadId } = request.params
        const upload = await context.auth.asUser(request, async (em, me) => {
          await projectOf(em, me.orgId, projectId)
          const found = await em.findOne(Upload, {
            id: uploadId,
            org: me.orgId,
            project: projectId,
          })
          if (!found) throw notFound(`upload ${uploadId} of project ${projectId}`)
          return found
        })
        return {
          id: upload.id,
          status: upload.status,
          reason: upload.reason ?? null,
          contentType: upload.contentType,
          sizeBytes: upload.sizeBytes,
          createdAt: upload.createdAt.toISOString(),
          startedAt: upload.startedAt?.toISOString() ?? null,
          finishedAt: upload.finishedAt?.toISOString() ?? null,
        }
      },
    )
    done()
  }
}
