import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { inTenantScope, Organization, User } from '@suitekit/insights'
import { Type } from 'typebox'
import { passwordMatches } from '../auth/passwords.ts'
import { ApiError } from '../http/api-error.ts'
import { errors, userAuth } from '../http/schemas.ts'
import type { AppContext } from './app-context.ts'

const CurrentUser = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
})

/** `POST /api/login` and `GET /api/me`. */
export function sessionRoutes(context: AppContext): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.post(
      '/login',
      {
        schema: {
          summary: 'Sign in with an email and a password; returns an access token',
          tags: ['session'],
          body: Type.Object(
            {
              email: Type.String({ minLength: 3, maxLength: 320 }),
              password: Type.String({ minLength: 1, maxLength: 1024 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              token: Type.String(),
              tokenType: Type.Literal('Bearer'),
              expiresIn: Type.Integer({ description: 'seconds' }),
            }),
            ...errors(400, 401),
          },
        },
      },
      async (request) => {
        const email = request.body.email.trim().toLowerCase()
        const user = await inTenantScope(context.orm(), 'system', (em) =>
          em.findOne(User, { email }),
        )
        if (!(await passwordMatches(user?.passwordHash, request.body.password)) || !user) {
          throw new ApiError(401, 'unauthorized', 'the email or the password is wrong')
        }
        const { token, expiresInSeconds } = await context.tokens.issue(user.id)
        return { token, tokenType: 'Bearer' as const, expiresIn: expiresInSeconds }
      },
    )

    app.get(
      '/me',
      {
        schema: {
          summary: 'The signed-in user and their organization',
          tags: ['session'],
          security: userAuth,
          response: { 200: CurrentUser, ...errors(401) },
        },
      },
      async (request) => {
        return context.auth.asUser(request, async (em, me) => {
          const org = await em.findOneOrFail(Organization, { id: me.orgId })
          return {
            id: me.userId,
            email: me.email,
            role: me.role,
            organization: { id: org.id, name: org.name },
          }
        })
      },
    )
    done()
  }
}
