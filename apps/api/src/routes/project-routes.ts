import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import { Organization, Project } from '@suitekit/insights'
import { Type } from 'typebox'
import { ApiError, notFound } from '../http/api-error.ts'
import { nonBlank } from '../http/non-blank.ts'
import { errors, Page, PageQuery, ProjectParams, userAuth } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'

const SLUG = '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$'

export const ProjectBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
})

const ProjectInput = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.String({
    pattern: SLUG,
    maxLength: 100,
    description: 'lowercase letters, digits and dashes',
  }),
}

/** The project of `projectId` in `orgId`; 404 for another organization's, never told apart. */
export async function projectOf(
  em: SqlEntityManager,
  orgId: string,
  projectId: string,
): Promise<Project> {
  const project = await em.findOne(Project, { id: projectId, org: orgId })
  if (!project) throw notFound(`project ${projectId}`)
  return project
}

function present(project: Project) {
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    createdAt: project.createdAt.toISOString(),
  }
}

/** Projects CRUD: everyone reads, members create and edit, admins delete. */
export function projectRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/projects',
      {
        schema: {
          summary: "The organization's projects, by name",
          tags: ['projects'],
          security: userAuth,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(ProjectBody), ...errors(400, 401) },
        },
      },
      async (request) => {
        const { limit = 20, offset = 0 } = request.query
        const [projects, total] = await context.auth.asUser(request, (em, me) =>
          em.findAndCount(
            Project,
            { org: me.orgId },
            { orderBy: { name: 'asc', id: 'asc' }, limit, offset },
          ),
        )
        return { items: projects.map(present), total, limit, offset }
      },
    )

    app.post(
      '/projects',
      {
        schema: {
          summary: 'Create a project (member or admin)',
          tags: ['projects'],
          security: userAuth,
          body: Type.Object(
            { name: ProjectInput.name, slug: Type.Optional(ProjectInput.slug) },
            { additionalProperties: false },
          ),
          response: { 201: ProjectBody, ...errors(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const project = await context.auth.asUser(
          request,
          async (em, me) => {
            const name = nonBlank(request.body.name, 'body.name')
            const slug = request.body.slug ?? slugOf(name)
            await ensureSlugFree(em, me.orgId, slug)
            const created = em.create(Project, {
              org: em.getReference(Organization, me.orgId),
              name,
              slug,
            })
            await flushUnique(em, slug)
            return created
          },
          'member',
        )
        return reply.code(201).send(present(project))
      },
    )

    app.get(
      '/projects/:projectId',
      {
        schema: {
          summary: 'One project',
          tags: ['projects'],
          security: userAuth,
          params: ProjectParams,
          response: { 200: ProjectBody, ...errors(400, 401, 404) },
        },
      },
      async (request) => {
        const project = await context.auth.asUser(request, (em, me) =>
          projectOf(em, me.orgId, request.params.projectId),
        )
        return present(project)
      },
    )

    app.patch(
      '/projects/:projectId',
      {
        schema: {
          summary: 'Rename a project or change its slug (member or admin)',
          tags: ['projects'],
          security: userAuth,
          params: ProjectParams,
          body: Type.Object(
            { name: Type.Optional(ProjectInput.name), slug: Type.Optional(ProjectInput.slug) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: ProjectBody, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const project = await context.auth.asUser(
          request,
          async (em, me) => {
            const found = await projectOf(em, me.orgId, request.params.projectId)
            const { name, slug } = request.body
            if (slug !== undefined && slug !== found.slug) {
              await ensureSlugFree(em, me.orgId, slug)
              found.slug = slug
            }
            if (name !== undefined) found.name = nonBlank(name, 'body.name')
            await flushUnique(em, found.slug)
            return found
          },
          'member',
        )
        return present(project)
      },
    )

    app.delete(
      '/projects/:projectId',
      {
        schema: {
          summary: 'Delete a project with its runs, results, uploads and tokens (admin)',
          tags: ['projects'],
          security: userAuth,
          params: ProjectParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await context.auth.asUser(
          request,
          async (em, me) => {
            const project = await projectOf(em, me.orgId, request.params.projectId)
            // one statement: the database cascades to tokens, uploads, runs and results
            await em.nativeDelete(Project, { id: project.id, org: me.orgId })
          },
          'admin',
        )
        return reply.code(204).send(null)
      },
    )
    done()
  }
}

/** `My Service API` → `my-service-api`. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // the accents NFKD split off: 'Crème' → 'creme'
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '')
  if (!slug) {
    throw new ApiError(
      400,
      'invalid_request',
      'body.slug is required when the name has no letters or digits',
      [{ field: 'body.slug', reason: 'is required when the name has no letters or digits' }],
    )
  }
  return slug
}

async function ensureSlugFree(em: SqlEntityManager, orgId: string, slug: string): Promise<void> {
  if ((await em.count(Project, { org: orgId, slug })) > 0) throw slugTaken(slug)
}

/** Flushes; a concurrent request that took the slug first still gets a 409, not a 500. */
async function flushUnique(em: SqlEntityManager, slug: string): Promise<void> {
  try {
    await em.flush()
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw slugTaken(slug)
    throw error
  }
}

function slugTaken(slug: string): ApiError {
  return new ApiError(409, 'conflict', `a project with slug '${slug}' already exists`, [
    { field: 'body.slug', reason: 'is taken by another project' },
  ])
}
