import { defineEntity, p } from '@mikro-orm/core'

// Ten entities with many-to-one relations: a small but realistic app schema for the isolation bench.

const OrganizationSchema = defineEntity({
  name: 'Organization',
  properties: { id: p.integer().primary(), name: p.string() },
})
/** A tenant. */
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization)

const UserSchema = defineEntity({
  name: 'User',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    name: p.string(),
    organization: () => p.manyToOne(Organization),
  },
})
/** A person in an organization. */
export class User extends UserSchema.class {}
UserSchema.setClass(User)

const ProjectSchema = defineEntity({
  name: 'Project',
  properties: {
    id: p.integer().primary(),
    name: p.string(),
    organization: () => p.manyToOne(Organization),
    owner: () => p.manyToOne(User),
  },
})
/** A project of an organization. */
export class Project extends ProjectSchema.class {}
ProjectSchema.setClass(Project)

const MembershipSchema = defineEntity({
  name: 'Membership',
  properties: {
    id: p.integer().primary(),
    role: p.string(),
    user: () => p.manyToOne(User),
    project: () => p.manyToOne(Project),
  },
})
/** A user's role in a project. */
export class Membership extends MembershipSchema.class {}
MembershipSchema.setClass(Membership)

const LabelSchema = defineEntity({
  name: 'Label',
  properties: { id: p.integer().primary(), name: p.string(), project: () => p.manyToOne(Project) },
})
/** A tag of a project's tasks. */
export class Label extends LabelSchema.class {}
LabelSchema.setClass(Label)

const TaskSchema = defineEntity({
  name: 'Task',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    done: p.boolean(),
    project: () => p.manyToOne(Project),
    assignee: () => p.manyToOne(User).nullable(),
  },
})
/** A task of a project. */
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task)

const CommentSchema = defineEntity({
  name: 'Comment',
  properties: {
    id: p.integer().primary(),
    body: p.text(),
    task: () => p.manyToOne(Task),
    author: () => p.manyToOne(User),
  },
})
/** A comment on a task. */
export class Comment extends CommentSchema.class {}
CommentSchema.setClass(Comment)

const AttachmentSchema = defineEntity({
  name: 'Attachment',
  properties: { id: p.integer().primary(), fileName: p.string(), task: () => p.manyToOne(Task) },
})
/** A file attached to a task. */
export class Attachment extends AttachmentSchema.class {}
AttachmentSchema.setClass(Attachment)

const InvoiceSchema = defineEntity({
  name: 'Invoice',
  properties: {
    id: p.integer().primary(),
    amountCents: p.integer(),
    organization: () => p.manyToOne(Organization),
  },
})
/** An invoice of an organization. */
export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice)

const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  properties: {
    id: p.integer().primary(),
    action: p.string(),
    actor: () => p.manyToOne(User).nullable(),
  },
})
/** Something a user did. */
export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent)

/** Every entity of the bench schema. */
export const entities = [
  OrganizationSchema,
  UserSchema,
  ProjectSchema,
  MembershipSchema,
  LabelSchema,
  TaskSchema,
  CommentSchema,
  AttachmentSchema,
  InvoiceSchema,
  AuditEventSchema,
]
