import { DbIsolationError } from './errors.js'

/** How a query got outside the test transaction. */
export type EscapeKind =
  | 'outside-transaction'
  | 'new-transaction'
  | 'after-test'
  | 'outside-test'
  | 'committed-elsewhere'
  | 'concurrent-savepoints'

/** Facts about one escape, for the error message and for tools. */
export interface EscapeDetails {
  kind: EscapeKind
  /** The statement (or its start), when known. */
  statement?: string | undefined
  /** The table written to, when known. */
  table?: string | undefined
  /** The test that was running (or had run) when the escape happened. */
  test?: string | undefined
  /** The test's file. */
  file?: string | undefined
}

const FIX: Record<EscapeKind, string> = {
  'outside-transaction':
    "pass the test's `em` (or fork it without `keepTransactionContext: false`), or use `isolation: 'database'` for this test",
  'new-transaction':
    "pass the test's `em` (or fork it without `keepTransactionContext: false`), keep the default propagation instead of REQUIRES_NEW/NOT_SUPPORTED, or use `isolation: 'database'` for this test",
  'after-test':
    'await every query before the test ends (a timer, an un-awaited promise or a background task kept running)',
  'outside-test':
    'it would commit into the worker database that later tests share: write it inside a test with its `em`, or put static rows in the `seed`',
  'committed-elsewhere':
    "another connection or process committed it; point it at the test's `em`, or use `isolation: 'database'` for this test",
  'concurrent-savepoints':
    'run nested transactions of one test one after the other (await each) instead of with Promise.all',
}

/**
 * A query ran (or would have run) outside the test transaction: it would have committed for real, or
 * hung waiting for the connection the test holds. The test fails with this error even when app code
 * caught it.
 */
export class IsolationEscapeError extends DbIsolationError {
  readonly details: EscapeDetails
  constructor(details: EscapeDetails) {
    super('ERR_ISOLATION_ESCAPE', describeEscape(details))
    this.name = 'IsolationEscapeError'
    this.details = details
  }
}

function describeEscape({ kind, statement, table, test, file }: EscapeDetails): string {
  const what = table
    ? `${statementVerb(statement)} \`${table}\``
    : statement
      ? `\`${truncate(statement)}\``
      : kind === 'committed-elsewhere'
        ? 'a write'
        : 'a query'
  const where = test ? ` (test '${test}'${file ? `, ${file}` : ''})` : ''
  switch (kind) {
    case 'outside-transaction':
      return `${what} ran outside the test transaction${where}; ${FIX[kind]}`
    case 'new-transaction':
      return `${what} ran in a new transaction that would commit${where}: a fork without the test's transaction, or REQUIRES_NEW/NOT_SUPPORTED, started it; ${FIX[kind]}`
    case 'after-test':
      return `${what} ran after its test had ended${where}; ${FIX[kind]}`
    case 'outside-test':
      return `${what} ran outside any test (a beforeAll/afterAll hook, or after the tests); ${FIX[kind]}`
    case 'committed-elsewhere':
      return `${what} was committed outside the test transaction${where}; ${FIX[kind]}`
    case 'concurrent-savepoints':
      return `two nested transactions ran concurrently in one test${where} and one rolled back, silently undoing the other's work; ${FIX[kind]}`
  }
}

function statementVerb(statement: string | undefined): string {
  const verb = statement?.trim().split(/\s+/, 1)[0]?.toLowerCase()
  if (verb === 'insert') return 'insert into'
  if (verb === 'update') return 'update of'
  if (verb === 'delete') return 'delete from'
  if (verb === 'truncate') return 'truncate of'
  return `${verb ?? 'query'} on`
}

function truncate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat
}

/**
 * Whether `error` is an escape: an {@link IsolationEscapeError}, or MikroORM's `DriverException`
 * wrapping one (what app code sees when the escape happens inside a query).
 */
export function isIsolationEscape(
  error: unknown,
): error is Error & { code: 'ERR_ISOLATION_ESCAPE'; details: EscapeDetails } {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_ISOLATION_ESCAPE'
}

/** The table a write statement targets, if it is a plain insert/update/delete/truncate. */
export function tableOf(sql: string): string | undefined {
  const match =
    /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?)\s+((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)/i.exec(
      sql,
    )
  return match?.[1]?.replace(/[`"[\]]/g, '')
}
