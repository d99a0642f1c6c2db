import { inTenantScope, Organization, Project, User, type InsightsOrm } from '@suitekit/insights'
import { hashPassword } from './auth/passwords.ts'

/** The demo sign-in, printed at startup of a laptop install. Never used unless the demo is seeded. */
export const DEMO_CREDENTIALS = { email: 'demo@insights.local', password: 'insights-demo' } as const

/**
 * In an empty database (no organization yet), creates the demo organization, its admin user
 * ({@link DEMO_CREDENTIALS}) and a project, so a first start has something to sign in to.
 * @returns whether it created them (false when the database already had an organization)
 */
export async function seedDemo(orm: InsightsOrm): Promise<boolean> {
  return inTenantScope(orm, 'system', async (em) => {
    if ((await em.count(Organization, {})) > 0) return false
    // hashed only when it is stored: a restart of a seeded install costs no argon2id run
    const passwordHash = await hashPassword(DEMO_CREDENTIALS.password)
    const org = em.create(Organization, { name: 'Demo' })
    em.create(User, { org, email: DEMO_CREDENTIALS.email, passwordHash, role: 'admin' })
    em.create(Project, { org, name: 'Demo project', slug: 'demo' })
    await em.flush()
    return true
  })
}
