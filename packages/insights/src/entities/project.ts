import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'

/** A test suite whose runs are uploaded and analysed; its slug is unique within its organization. */
export const ProjectSchema = defineEntity({
  name: 'Project',
  tableName: 'project',
  uniques: [{ properties: ['org', 'slug'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    name: p.string().length(200),
    slug: p.string().length(100),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
})
export class Project extends ProjectSchema.class {}
ProjectSchema.setClass(Project)
