import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { ApiToken } from '@suitekit/insights'
import { Type } from 'typebox'
import { newProjectToken } from '../auth/project-tokens.ts'
import { notFound } from '../http/api-error.ts'
import { nonBlank } from '../http/non-blank.ts'
import { errors, Nullable, ProjectParams, userAuth, Uuid } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'
import { projectOf } from './project-routes.ts'

const TokenBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the token, to tell tokens apart' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
})

function present(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  }
}

/** A project's API tokens (for CI uploads): admins create and revoke them, everyone lists them. */
export function tokenRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.post(
      '/projects/:projectId/tokens',
      {
        schema: {
          summary: 'Create a project token (admin); the token is in this answer only',
          tags: ['tokens'],
          security: userAuth,
          params: ProjectParams,
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }) },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Intersect([TokenBody, Type.Object({ token: Type.String() })]),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const { created, token } = await context.auth.asUser(
          request,
          async (em, me) => {
            const project = await projectOf(em, me.orgId, request.params.projectId)
            const { token, tokenHash, prefix } = newProjectToken()
            const apiToken = em.create(ApiToken, {
              org: project.org,
              project,
              name: nonBlank(request.body.name, 'body.name'),
              prefix,
              tokenHash,
            })
            await em.flush()
            return { created: apiToken, token }
          },
          'admin',
        )
        return reply.code(201).send({ ...present(created), token })
      },
    )

    app.get(
      '/projects/:projectId/tokens',
      {
        schema: {
          summary: "A project's tokens, newest first (never the tokens themselves)",
          tags: ['tokens'],
          security: userAuth,
          params: ProjectParams,
          response: {
            200: Type.Object({ items: Type.Array(TokenBody) }),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request) => {
        const tokens = await context.auth.asUser(request, async (em, me) => {
          const project = await projectOf(em, me.orgId, request.params.projectId)
          return em.find(
            ApiToken,
            { org: me.orgId, project },
            { orderBy: { createdAt: 'desc', id: 'asc' } },
          )
        })
        return { items: tokens.map(present) }
      },
    )

    app.delete(
      '/projects/:projectId/tokens/:tokenId',
      {
        schema: {
          summary: 'Revoke a project token (admin); uploads with it are refused from now on',
          tags: ['tokens'],
          security: userAuth,
          params: Type.Object({ projectId: Uuid, tokenId: Uuid }, { additionalProperties: false }),
          response: { 200: TokenBody, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { projectId, tokenId } = request.params
        const revoked = await context.auth.asUser(
          request,
          async (em, me) => {
            const token = await em.findOne(ApiToken, {
              id: tokenId,
              org: me.orgId,
              project: projectId,
            })
            if (!token) throw notFound(`token ${tokenId} of project ${projectId}`)
            token.revokedAt ??= new Date()
            await em.flush()
            return token
          },
          'admin',
        )
        return present(revoked)
      },
    )
    done()
  }
}
