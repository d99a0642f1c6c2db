import { randomUUID } from 'node:crypto'
import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'

/** What a user may do in their organization: admins manage members and tokens, members upload and edit projects, viewers read. */
export const ROLES = ['admin', 'member', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** A person who signs in with an email and a password (stored as an argon2id hash). */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    email: p.string().length(320).unique(),
    passwordHash: p.text(),
    role: p.enum(ROLES),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
})
export class User extends UserSchema.class {}
UserSchema.setClass(User)
