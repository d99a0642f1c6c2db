/** Throws when `NODE_ENV=production`: test keys and tokens must never reach a production process. */
export function assertNotProduction(action: string): void {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      `@suitekit/auth-fixtures refuses to ${action} when NODE_ENV=production: it is for tests only`,
    )
  }
}
