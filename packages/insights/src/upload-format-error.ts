/**
 * An upload that cannot be read: `field` says where (`tests[3].durationMs`, `testcase[12]@time`,
 * `body`), `reason` what is wrong with it. The API answers it with a 400 and both.
 */
export class UploadFormatError extends Error {
  override readonly name = 'UploadFormatError'

  constructor(
    readonly field: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${reason}`, options)
  }
}
