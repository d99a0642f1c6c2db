import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'
import { Project } from './project.js'
import { Upload } from './upload.js'

/** One test run of a project (one CI job, or one shard of it), read from an upload. */
export const RunSchema = defineEntity({
  name: 'Run',
  tableName: 'run',
  indexes: [{ properties: ['project', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    upload: () => p.oneToOne(Upload).nullable().deleteRule('set null'),
    branch: p.string().length(250).nullable(),
    commit: p.string().length(64).nullable(),
    ciJob: p.string().length(250).nullable(),
    shardIndex: p.integer().nullable(),
    shardCount: p.integer().nullable(),
    wallMs: p.double().nullable(),
    testCount: p.integer().default(0),
    failedCount: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
})
export class Run extends RunSchema.class {}
RunSchema.setClass(Run)
