/** One thing wrong with a request: where (`body.email`, `query.limit`, `params.projectId`) and why. */
export interface FieldIssue {
  field: string
  reason: string
}

/**
 * An error the client can act on: answered with `statusCode` and a body naming `code`, a message
 * and, for invalid input, each field at fault. Anything else thrown by a route is a 500 whose
 * body says nothing about it.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly statusCode: number
  readonly code: string
  readonly issues: FieldIssue[] | undefined

  constructor(statusCode: number, code: string, message: string, issues?: FieldIssue[]) {
    super(message)
    this.statusCode = statusCode
    this.code = code
    this.issues = issues
  }
}

/** 404: the thing does not exist, or belongs to another organization (never told apart). */
export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`)
}

/** 400 for one field. */
export function invalidField(field: string, reason: string): ApiError {
  return new ApiError(400, 'invalid_request', `${field} ${reason}`, [{ field, reason }])
}
