import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'
import { Project } from './project.js'

/**
 * A project's API token, used by CI to upload runs. Only its SHA-256 hash is stored; the token is
 * shown once, when created. `prefix` (its first characters) tells tokens apart in lists.
 */
export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    name: p.string().length(200),
    prefix: p.string().length(16),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
})
export class ApiToken extends ApiTokenSchema.class {}
ApiTokenSchema.setClass(ApiToken)
