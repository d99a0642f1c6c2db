import { defineEntity, p } from '@mikro-orm/core'
import { Organization } from './organization.js'
import { Project } from './project.js'
import { Run } from './run.js'

/** How a test ended; `flaky` is a test that failed, then passed on a retry. */
export const TEST_STATUSES = ['passed', 'failed', 'skipped', 'flaky'] as const
export type TestStatus = (typeof TEST_STATUSES)[number]

/** One test's outcome in one run. The project is kept on the row for the per-project statistics. */
export const TestResultSchema = defineEntity({
  name: 'TestResult',
  tableName: 'test_result',
  indexes: [{ properties: ['project', 'file', 'name'] }, { properties: ['run'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    org: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    run: () => p.manyToOne(Run).deleteRule('cascade'),
    file: p.string().length(1000),
    name: p.string().length(2000),
    durationMs: p.double(),
    status: p.enum(TEST_STATUSES),
    retries: p.integer().default(0),
  },
})
export class TestResult extends TestResultSchema.class {}
TestResultSchema.setClass(TestResult)
