import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'

/** A tenant: every other row belongs to exactly one organization. */
export const OrganizationSchema = defineEntity({
  name: 'Organization',
  tableName: 'organization',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
})
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization)
