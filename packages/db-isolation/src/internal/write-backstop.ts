import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { SqlMikroORM } from '../isolation-options.js'

const CHANNEL = 'suitekit_writes'

/**
 * SQL that makes every table of the template report committed writes: a statement-level trigger
 * calls pg_notify. Notifications are delivered on COMMIT only, so the test transaction's own writes
 * (rolled back) never arrive; a write committed by another connection or process does.
 */
export const INSTALL_WRITE_TRIGGERS: readonly string[] = [
  `create or replace function suitekit_report_write() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANNEL}', tg_table_name || chr(9) || tg_op || chr(9) || left(current_query(), 500));
  return null;
end $$`,
  `do $$
declare t record;
begin
  for t in select schemaname, tablename from pg_tables
           where schemaname not in ('pg_catalog', 'information_schema') loop
    execute format(
      'create trigger suitekit_report_write after insert or update or delete or truncate on %I.%I '
      || 'for each statement execute function suitekit_report_write()', t.schemaname, t.tablename);
  end loop;
end $$`,
]

/** A write committed outside the test transaction, as the trigger reported it. */
export interface CommittedWrite {
  table: string
  operation: string
  statement: string
}

/** One listening connection per worker database. */
export interface WriteBackstop {
  /** Writes committed since the last call (waits for notifications already sent to arrive). */
  drain(): Promise<CommittedWrite[]>
  close(): Promise<void>
}

interface PgClient {
  connect(): Promise<void>
  query(sql: string): Promise<unknown>
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void
  end(): Promise<void>
}

/** The pg client that @mikro-orm/postgresql itself uses, so db-isolation needs no dependency of its own. */
function pgModule(): { Client: new (options: { connectionString: string }) => PgClient } {
  let lastError: unknown
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const driver = createRequire(from).resolve('@mikro-orm/postgresql')
      return createRequire(driver)('pg') as {
        Client: new (options: { connectionString: string }) => PgClient
      }
    } catch (error) {
      lastError = error
    }
  }
  throw new Error('cannot load the pg client of @mikro-orm/postgresql', { cause: lastError })
}

/** Listens for committed writes on the database `orm` is connected to. */
export async function listenForCommittedWrites(orm: SqlMikroORM): Promise<WriteBackstop> {
  const pg = pgModule()
  const client = new pg.Client({ connectionString: orm.config.get('clientUrl') ?? '' })
  await client.connect()
  await client.query(`listen ${CHANNEL}`)
  const received: CommittedWrite[] = []
  client.on('notification', ({ channel, payload }) => {
    if (channel !== CHANNEL || !payload) return
    const [table = '?', operation = '?', statement = ''] = payload.split('\t')
    received.push({ table, operation: operation.toLowerCase(), statement })
  })
  return {
    async drain() {
      // a round trip on the listening connection: every notification sent before it has arrived
      await client.query('select 1')
      return received.splice(0)
    },
    close: () => client.end(),
  }
}
