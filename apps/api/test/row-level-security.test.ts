import { enterTenantScope, Project } from '@suitekit/insights'
import { describe, expect } from 'vitest'
import { engine, test } from './support/api-test.ts'
import { makeOrg, makeProject } from './support/builders.ts'
import { testMode } from './support/test-mode.ts'

// The second wall: PostgreSQL's row-level security, with the organization set per transaction. The
// suite runs as a role without BYPASSRLS (db-isolation's per-test hook sets it), so these queries
// meet the policies exactly as the API's own do. SQLite has no row-level security, and the naive
// benchmark mode runs as the superuser, which skips every policy.
describe.runIf(engine === 'postgresql' && testMode === 'suitekit')(
  'row-level security (PostgreSQL)',
  { tags: ['security', 'integration'] },
  () => {
    test('a transaction scoped to one organization sees only its rows, even without a condition', async ({
      em,
    }) => {
      const acme = await makeOrg(em)
      const globex = await makeOrg(em)
      await makeProject(em, { org: acme, slug: 'acme-app' })
      await makeProject(em, { org: globex, slug: 'globex-app' })
      await enterTenantScope(em, { orgId: acme.id })
      const rows = await em.execute<{ slug: string }[]>('select slug from project order by slug')
      expect(rows.map((row) => row.slug)).toEqual(['acme-app'])
    })

    test('a transaction that sets no organization sees no tenant row', async ({ em }) => {
      const org = await makeOrg(em)
      await makeProject(em, { org })
      await em.execute(
        "select set_config('app.org_id', '', true), set_config('app.all_orgs', '', true)",
      )
      const rows = await em.execute<{ count: string }[]>('select count(*) from project')
      expect(Number(rows[0]?.count)).toBe(0)
    })

    test("refuses to write a row into another organization's scope", async ({ em }) => {
      const acme = await makeOrg(em)
      const globex = await makeOrg(em)
      await enterTenantScope(em, { orgId: acme.id })
      await expect(
        em.execute(
          `insert into project (id, org_id, name, slug, created_at) values (gen_random_uuid(), ?, 'x', 'x', now())`,
          [globex.id],
        ),
      ).rejects.toThrow(/row-level security/)
    })

    test('the suite runs as a role the policies apply to', async ({ em }) => {
      const [role] = await em.execute<{ rolsuper: boolean; rolbypassrls: boolean }[]>(
        'select rolsuper, rolbypassrls from pg_roles where rolname = current_user',
      )
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false })
      expect(await em.count(Project, {})).toBe(0)
    })
  },
)
