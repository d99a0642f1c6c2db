import type { EntityManager } from '@mikro-orm/core'
import { Comment, Organization, Project, Task, User } from './schema.ts'

let sequence = 0

/** The body of one benchmark "test": inserts 5 related rows, then reads the task back from the database. */
export async function testWork(em: EntityManager): Promise<void> {
  const n = ++sequence
  const organization = em.create(Organization, { name: `org ${n}` })
  const user = em.create(User, { email: `user${n}@example.com`, name: 'Ann', organization })
  const project = em.create(Project, { name: `project ${n}`, organization, owner: user })
  const task = em.create(Task, { title: 'ship it', done: false, project, assignee: user })
  em.create(Comment, { body: 'looks good', task, author: user })
  await em.flush()
  em.clear() // so the read below is a real query, not an identity-map hit
  const read = await em.findOneOrFail(Task, task.id, { populate: ['project'] })
  if (read.project.name !== `project ${n}`) throw new Error(`read back the wrong task: ${read.id}`)
}
