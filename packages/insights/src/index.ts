export { createDatabase } from './database.js'
export type { DatabaseResource } from './database.js'
export { parseJUnitXml } from './parse-junit-xml.js'
export { parseReporterJson } from './parse-reporter-json.js'
export { parseUpload, UPLOAD_CONTENT_TYPES } from './parse-upload.js'
export { UPLOAD_LIMITS } from './run-report.js'
export type { RunReport, TestResultReport } from './run-report.js'
export { UploadFormatError } from './upload-format-error.js'
export {
  ApiToken,
  entities,
  Organization,
  Project,
  ROLES,
  Run,
  TEST_STATUSES,
  TestResult,
  UPLOAD_STATUSES,
  Upload,
  User,
} from './entities/index.js'
export type { Role, TestStatus, UploadStatus } from './entities/index.js'
export { describeLocation, engineOf, insightsOrmConfig, insightsOrmOptions } from './orm-config.js'
export type { DatabaseLocation, InsightsEngine, InsightsOrm } from './orm-config.js'
export { durationTrend } from './statistics/duration-trend.js'
export type { TrendPoint } from './statistics/duration-trend.js'
export { fileTimings } from './statistics/file-timings.js'
export { flakyTests } from './statistics/flaky-tests.js'
export type { FlakyTest } from './statistics/flaky-tests.js'
export { MAX_RECENT_RUNS } from './statistics/recent-runs.js'
export type { RecentRunsScope } from './statistics/recent-runs.js'
export { slowestTests } from './statistics/slowest-tests.js'
export type { SlowTest } from './statistics/slowest-tests.js'
export { enterTenantScope, inTenantScope } from './tenancy.js'
export type { TenantScope } from './tenancy.js'
