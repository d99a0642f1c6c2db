import { defineEntity, p } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { SqliteDriver } from '@mikro-orm/sqlite'
import { PostgreSqlDriver } from '@mikro-orm/postgresql'
import type { Engine, OrmConfig } from '../src/isolation-options.js'

export const RoleSchema = defineEntity({
  name: 'Role',
  properties: { id: p.integer().primary(), name: p.string().unique() },
})
export class Role extends RoleSchema.class {}
RoleSchema.setClass(Role)

export const AuthorSchema = defineEntity({
  name: 'Author',
  properties: { id: p.integer().primary(), name: p.string(), email: p.string().unique() },
})
export class Author extends AuthorSchema.class {}
AuthorSchema.setClass(Author)

export const BookSchema = defineEntity({
  name: 'Book',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
  },
})
export class Book extends BookSchema.class {}
BookSchema.setClass(Book)

/** A review's book is checked only at COMMIT (a deferred foreign key). */
export const ReviewSchema = defineEntity({
  name: 'Review',
  properties: {
    id: p.integer().primary(),
    stars: p.integer(),
    book: () => p.manyToOne(Book).deferMode('deferred'),
  },
})
export class Review extends ReviewSchema.class {}
ReviewSchema.setClass(Review)

export const entities = [RoleSchema, AuthorSchema, BookSchema, ReviewSchema]

/** The test schema's MikroORM config for `engine`. */
export function ormConfig(engine: Engine): OrmConfig {
  return {
    driver: engine === 'sqlite' ? SqliteDriver : PostgreSqlDriver,
    dbName: 'dbiso_test',
    entities,
    allowGlobalContext: false,
  }
}

/** Static rows of the template. */
export async function seedRoles(em: SqlEntityManager): Promise<void> {
  for (const name of ['admin', 'member', 'viewer']) em.create(Role, { name })
  await em.flush()
}
