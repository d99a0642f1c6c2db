// Test data, written through the ORM (never through HTTP): each builder takes the test's `em`, fills
// in everything not given, flushes, and returns the entity. Inside `batch`, builders only create,
// and the batch writes them all with one flush.
import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { PASSWORD_HASHES, TEST_PASSWORDS } from '@suitekit/auth-fixtures'
import {
  ApiToken,
  enterTenantScope,
  Organization,
  Project,
  Run,
  TestResult,
  Upload,
  User,
  type Role,
  type TestStatus,
  type UploadStatus,
} from '@suitekit/insights'
import { hashPassword } from '../../src/auth/passwords.ts'
import { newProjectToken } from '../../src/auth/project-tokens.ts'
import { testMode } from './test-mode.ts'

let counter = 0
const next = () => ++counter

/** The EntityManagers inside `batch`: their builders create and leave the flush to the batch. */
const batching = new WeakSet<SqlEntityManager>()

/**
 * Builders write as the system: on PostgreSQL the suite runs as a role under row-level security,
 * and a request leaves its own organization set on the test transaction.
 */
async function save<T extends object>(em: SqlEntityManager, entity: T): Promise<T> {
  if (batching.has(em)) return entity
  await flushAsSystem(em)
  return entity
}

async function flushAsSystem(em: SqlEntityManager): Promise<void> {
  await enterTenantScope(em, 'system')
  await em.flush()
}

/**
 * Runs the builders in `build` with one flush at its end instead of one each: for tests that need
 * many rows. Ids are set when an entity is created, so `build` can use them; what it builds is in
 * the database once `batch` returns.
 */
export async function batch<T>(em: SqlEntityManager, build: () => Promise<T>): Promise<T> {
  if (batching.has(em)) return build()
  batching.add(em)
  let built: T
  try {
    built = await build()
  } finally {
    batching.delete(em)
  }
  await flushAsSystem(em)
  return built
}

export async function makeOrg(
  em: SqlEntityManager,
  fields: Partial<Pick<Organization, 'name'>> = {},
): Promise<Organization> {
  return save(em, em.create(Organization, { name: `Org ${next()}`, ...fields }))
}

/**
 * A user whose password is `TEST_PASSWORDS[role]`. The suitekit suite stores its precomputed
 * argon2id hash; the naive benchmark mode hashes it, as a suite without precomputed hashes would.
 */
export async function makeUser(
  em: SqlEntityManager,
  {
    org,
    role = 'member',
    email,
    id,
  }: { org: Organization; role?: Role; email?: string; id?: string },
): Promise<User> {
  const passwordHash =
    testMode === 'naive' ? await hashPassword(TEST_PASSWORDS[role]) : PASSWORD_HASHES[role].argon2id
  return save(
    em,
    em.create(User, {
      ...(id ? { id } : {}),
      org,
      email: email ?? `user${next()}-${role}@example.test`,
      passwordHash,
      role,
    }),
  )
}

export async function makeProject(
  em: SqlEntityManager,
  { org, name, slug }: { org: Organization; name?: string; slug?: string },
): Promise<Project> {
  const n = next()
  return save(
    em,
    em.create(Project, { org, name: name ?? `Project ${n}`, slug: slug ?? `project-${n}` }),
  )
}

/**
 * A new organization and one user of it (`member` unless `role` says otherwise): how most tests
 * start, written with one flush (or as part of the caller's `batch`).
 */
export function makeOrgWithUser(
  em: SqlEntityManager,
  { role = 'member' }: { role?: Role } = {},
): Promise<{ org: Organization; user: User }> {
  return batch(em, async () => {
    const org = await makeOrg(em)
    return { org, user: await makeUser(em, { org, role }) }
  })
}

/** {@link makeOrgWithUser} plus one project of the organization, in the same flush. */
export function makeOrgWithProject(
  em: SqlEntityManager,
  options: { role?: Role } = {},
): Promise<{ org: Organization; user: User; project: Project }> {
  return batch(em, async () => {
    const { org, user } = await makeOrgWithUser(em, options)
    return { org, user, project: await makeProject(em, { org }) }
  })
}

/** A project token; `token` is the secret to send (only its hash is stored). */
export async function makeApiToken(
  em: SqlEntityManager,
  { project, revoked = false, name = 'ci' }: { project: Project; revoked?: boolean; name?: string },
): Promise<{ apiToken: ApiToken; token: string }> {
  const { token, tokenHash, prefix } = newProjectToken()
  const apiToken = em.create(ApiToken, {
    org: project.org,
    project,
    name,
    prefix,
    tokenHash,
    ...(revoked ? { revokedAt: new Date() } : {}),
  })
  return { apiToken: await save(em, apiToken), token }
}

export async function makeRun(
  em: SqlEntityManager,
  {
    project,
    createdAt = new Date(),
    ...fields
  }: { project: Project; createdAt?: Date } & Partial<
    Pick<
      Run,
      | 'branch'
      | 'commit'
      | 'ciJob'
      | 'shardIndex'
      | 'shardCount'
      | 'wallMs'
      | 'testCount'
      | 'failedCount'
    >
  >,
): Promise<Run> {
  return save(
    em,
    em.create(Run, {
      org: project.org,
      project,
      branch: 'main',
      commit: randomUUID().replaceAll('-', '').slice(0, 40),
      createdAt,
      ...fields,
    }),
  )
}

export async function makeResult(
  em: SqlEntityManager,
  {
    run,
    file = 'test/a.test.ts',
    name = `test ${next()}`,
    durationMs = 10,
    status = 'passed',
    retries = status === 'flaky' ? 1 : 0,
  }: {
    run: Run
    file?: string
    name?: string
    durationMs?: number
    status?: TestStatus
    retries?: number
  },
): Promise<TestResult> {
  return save(
    em,
    em.create(TestResult, {
      org: run.org,
      project: run.project,
      run,
      file,
      name,
      durationMs,
      status,
      retries,
    }),
  )
}

export async function makeUpload(
  em: SqlEntityManager,
  {
    project,
    status = 'queued',
    body = '{"version":1}',
    contentType = 'application/json',
    createdAt = new Date(),
    startedAt,
    reason,
  }: {
    project: Project
    status?: UploadStatus
    body?: string
    contentType?: string
    createdAt?: Date
    startedAt?: Date
    reason?: string
  },
): Promise<Upload> {
  return save(
    em,
    em.create(Upload, {
      org: project.org,
      project,
      contentType,
      body,
      sizeBytes: Buffer.byteLength(body),
      status,
      createdAt,
      ...(startedAt ? { startedAt } : {}),
      ...(reason ? { reason } : {}),
    }),
  )
}

/** Lets the test read across organizations on `em` (PostgreSQL runs the suite under row-level security). */
export function asSystem(em: SqlEntityManager): Promise<void> {
  return enterTenantScope(em, 'system')
}
