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
