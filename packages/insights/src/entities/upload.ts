import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'
import { Project } from './project.js'

/** Where an upload is: stored and waiting, being read by the worker, read into a run, or refused. */
export const UPLOAD_STATUSES = ['queued', 'processing', 'done', 'failed'] as const
export type UploadStatus = (typeof UPLOAD_STATUSES)[number]

/** An uploaded report, kept as sent (its raw body), until the worker has read it into a run. */
export const UploadSchema = defineEntity({
  name: 'Upload',
  tableName: 'upload',
  indexes: [{ properties: ['status', 'createdAt'] }, { properties: ['project', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    contentType: p.string().length(100),
    body: p.text().lazy(),
    sizeBytes: p.integer(),
    status: p.enum(UPLOAD_STATUSES).default('queued'),
    /** Why the upload failed, for its uploader. */
    reason: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
})
export class Upload extends UploadSchema.class {}
UploadSchema.setClass(Upload)
