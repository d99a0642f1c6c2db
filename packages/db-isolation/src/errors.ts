/** Codes of the errors this package throws. */
export type DbIsolationErrorCode =
  | 'ERR_ISOLATION_ESCAPE'
  | 'ERR_POSTGRES_START'
  | 'ERR_POSTGRES_NOT_FOUND'
  | 'ERR_TEMPLATE_BUILD'
  | 'ERR_DEFERRED_CONSTRAINT'
  | 'ERR_CONCURRENT_TESTS'
  | 'ERR_TEST_ENDED'
  | 'ERR_CONFIG'

/** An error of @suitekit/db-isolation: `code` says which kind, the message what to do. */
export class DbIsolationError extends Error {
  readonly code: DbIsolationErrorCode
  constructor(code: DbIsolationErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DbIsolationError'
    this.code = code
  }
}
