import { ApiTokenSchema } from './api-token.js'
import { OrganizationSchema } from './organization.js'
import { ProjectSchema } from './project.js'
import { RunSchema } from './run.js'
import { TestResultSchema } from './test-result.js'
import { UploadSchema } from './upload.js'
import { UserSchema } from './user.js'

export { ApiToken } from './api-token.js'
export { Organization } from './organization.js'
export { Project } from './project.js'
export { Run } from './run.js'
export { TEST_STATUSES, TestResult, type TestStatus } from './test-result.js'
export { UPLOAD_STATUSES, Upload, type UploadStatus } from './upload.js'
export { ROLES, User, type Role } from './user.js'

/** Every entity of the Insights model, for the ORM's config. */
export const entities = [
  OrganizationSchema,
  UserSchema,
  ProjectSchema,
  ApiTokenSchema,
  UploadSchema,
  RunSchema,
  TestResultSchema,
]
