import type { SqlEntityManager } from '@mikro-orm/sql'
import {
  ApiToken,
  enterTenantScope,
  inTenantScope,
  ROLES,
  User,
  type InsightsOrm,
  type Role,
} from '@suitekit/insights'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../http/api-error.ts'
import { InvalidTokenError, type AccessTokens } from './access-tokens.ts'
import { hashProjectToken, PROJECT_TOKEN_PREFIX } from './project-tokens.ts'

/** A signed-in user, as a route sees them. */
export interface Principal {
  userId: string
  orgId: string
  email: string
  role: Role
}

/** A CI job holding a project token. */
export interface ProjectPrincipal {
  tokenId: string
  orgId: string
  projectId: string
}

/** Who is calling: read from the `Authorization: Bearer` header by the routes that need it. */
export interface Authenticator {
  /**
   * Runs `work` as the user of the request's access token, in one transaction: it finds the user
   * (across organizations), checks that they have at least the `minimum` role, then scopes the
   * rest of the transaction to their organization.
   * @throws {ApiError} 401 for a token it did not issue or a user that is gone, 403 below `minimum`
   */
  asUser<T>(
    request: FastifyRequest,
    work: (em: SqlEntityManager, me: Principal) => Promise<T>,
    minimum?: Role,
  ): Promise<T>
  /** The project of the request's project token. @throws {ApiError} 401 */
  project(request: FastifyRequest): Promise<ProjectPrincipal>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `orm` is read per request: the lifespan opens the database after the app is built. */
export function createAuthenticator(orm: () => InsightsOrm, tokens: AccessTokens): Authenticator {
  return {
    async asUser(request, work, minimum) {
      // a bad token costs no transaction
      const userId = await verifiedUserId(request, tokens)
      return orm()
        .em.fork()
        .transactional(async (em) => {
          await enterTenantScope(em, 'system')
          const user = await em.findOne(User, { id: userId })
          if (!user) throw unauthorized("the token's user no longer exists")
          const me = { userId: user.id, orgId: user.org.id, email: user.email, role: user.role }
          if (minimum) requireRole(me, minimum)
          await enterTenantScope(em, me)
          return work(em, me)
        })
    },

    async project(request) {
      const token = bearerToken(request)
      if (!token.startsWith(PROJECT_TOKEN_PREFIX)) {
        throw unauthorized(
          `uploads need a project token (${PROJECT_TOKEN_PREFIX}…), not a user's access token`,
        )
      }
      const tokenHash = hashProjectToken(token)
      const found = await inTenantScope(orm(), 'system', (em) =>
        em.findOne(ApiToken, { tokenHash }),
      )
      if (!found) throw unauthorized('the project token is not known')
      if (found.revokedAt) throw unauthorized('the project token has been revoked')
      return { tokenId: found.id, orgId: found.org.id, projectId: found.project.id }
    },
  }
}

/** 403 unless `principal` has at least `minimum` (admin > member > viewer). */
export function requireRole(principal: Principal, minimum: Role): void {
  if (ROLES.indexOf(principal.role) > ROLES.indexOf(minimum)) {
    throw new ApiError(
      403,
      'forbidden',
      `this needs the ${minimum} role${minimum === 'admin' ? '' : ' or higher'}; you are a ${principal.role}`,
    )
  }
}

/** The user id of the request's access token. @throws {ApiError} 401 */
async function verifiedUserId(request: FastifyRequest, tokens: AccessTokens): Promise<string> {
  let userId: string
  try {
    userId = await tokens.verify(bearerToken(request))
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthorized(error.message)
    throw error
  }
  if (!UUID.test(userId)) throw unauthorized('the token\'s "sub" claim is not a user id')
  return userId
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw unauthorized('send an access token: Authorization: Bearer <token>')
  const match = /^Bearer +(\S+)$/i.exec(header)
  if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"')
  return match[1]!
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message)
}
