import { UPLOAD_LIMITS } from './run-report.js'
import { UploadFormatError } from './upload-format-error.js'

/** A non-empty string within the length limit. */
export function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new UploadFormatError(field, 'must be a non-empty string')
  }
  if (value.length > UPLOAD_LIMITS.maxNameLength) {
    throw new UploadFormatError(
      field,
      `is ${value.length} characters long; at most ${UPLOAD_LIMITS.maxNameLength}`,
    )
  }
  return value
}

/** A finite number of milliseconds, 0 to a day. */
export function duration(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UploadFormatError(field, 'must be a number of milliseconds, 0 or more')
  }
  if (value > UPLOAD_LIMITS.maxDurationMs) {
    throw new UploadFormatError(field, `is over a day (${value} ms); is it in the right unit?`)
  }
  return value
}
