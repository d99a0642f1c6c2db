/** PostgreSQL truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER_BYTES = 63

/**
 * Name of the database a vitest worker uses: `<template>_w<poolId>`.
 *
 * `poolId` defaults to `VITEST_POOL_ID`, which vitest keeps stable per worker slot (1..maxWorkers),
 * so a worker finds the database it made in an earlier file or run.
 *
 * @example
 * workerDatabaseName('app_test', '2') // 'app_test_w2'
 */
export function workerDatabaseName(
  template: string,
  poolId: string | undefined = process.env.VITEST_POOL_ID,
): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(template)) {
    throw new TypeError(
      `database name '${template}' must be lower-case letters, digits and underscores, starting with a letter or underscore`,
    )
  }
  if (poolId === undefined || !/^[1-9][0-9]*$/.test(poolId)) {
    throw new TypeError(
      `worker id ${JSON.stringify(poolId)} is not a positive integer: run under vitest (which sets VITEST_POOL_ID) or pass the id`,
    )
  }
  const name = `${template}_w${poolId}`
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new RangeError(
      `database name '${name}' is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit: shorten '${template}'`,
    )
  }
  return name
}
