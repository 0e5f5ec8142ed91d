/**
 * The gateway's bookkeeping (rk_internal.queries, connection_log, wlm_state), kept in memory and
 * written to the engine in the background through one admin connection, so a client's statement never
 * waits for it, except a statement that reads system views, which waits for a flush first.
 */

import type { QueryType, TableAttributeChange, TableAttributes } from '@redshift-kit/dialect'
import type { SerialSession } from '../engine/admin-session.js'
import type { WlmQueue, WlmQueueCounters } from '../wlm/index.js'

/** Status values of rk_internal.queries.status. */
export type QueryStatus = 'queued' | 'running' | 'success' | 'failed' | 'canceled'

/** One statement's row of rk_internal.queries, updated in place while it runs. */
export interface QueryRecord {
  readonly queryId: number
  xid: number
  readonly pid: number
  readonly userId: number
  readonly userName: string
  readonly databaseName: string
  readonly label: string
  readonly queryType: QueryType
  status: QueryStatus
  readonly serviceClass: number
  readonly queueName: string
  readonly slotCount: number
  readonly queueStart: Date
  startTime: Date
  endTime: Date | undefined
  returnedRows: number
  returnedBytes: number
  rowsAffected: number
  errorMessage: string | undefined
  readonly queryText: string
}

/** One row of rk_internal.connection_log. */
export interface ConnectionEvent {
  readonly event: 'initiating session' | 'authenticated' | 'disconnecting session' | 'authentication failure'
  readonly recordTime: Date
  readonly remoteHost: string
  readonly remotePort: string
  readonly pid: number
  readonly dbName: string
  readonly userName: string
  readonly authMethod: string
  /** Microseconds, for 'disconnecting session'. */
  readonly durationMicros: number
  readonly sslVersion: string
  readonly sslCipher: string
  readonly applicationName: string
}

/** Statement text kept per record: what Redshift shows in its own logs is at most 4000 characters. */
export const MAX_LOGGED_QUERY_TEXT = 4000
const FLUSH_INTERVAL_MS = 200

// The records go as one JSON array of arrays (queryRecordsJson): a few string templates per record,
// where twenty parameter arrays cost the driver an escape per value, on the gateway's own thread.
const UPSERT_QUERIES = `
INSERT INTO rk_internal.queries (query_id, xid, pid, user_id, user_name, database_name, label, query_type,
  status, service_class, queue_name, slot_count, queue_start, start_time, end_time, returned_rows,
  returned_bytes, rows_affected, error_message, query_text)
SELECT (e->>0)::bigint, (e->>1)::bigint, (e->>2)::int, (e->>3)::int, e->>4, e->>5, e->>6, e->>7, e->>8,
  (e->>9)::int, e->>10, (e->>11)::int,
  to_timestamp((e->>12)::float8 / 1000) AT TIME ZONE 'UTC',
  to_timestamp((e->>13)::float8 / 1000) AT TIME ZONE 'UTC',
  to_timestamp((e->>14)::float8 / 1000) AT TIME ZONE 'UTC',
  (e->>15)::bigint, (e->>16)::bigint, (e->>17)::bigint, e->>18, e->>19
FROM json_array_elements($1::json) AS e
ON CONFLICT (query_id) DO UPDATE SET xid = excluded.xid, status = excluded.status,
  start_time = excluded.start_time, end_time = excluded.end_time, returned_rows = excluded.returned_rows,
  returned_bytes = excluded.returned_bytes, rows_affected = excluded.rows_affected,
  error_message = excluded.error_message`

const INSERT_CONNECTIONS = `
INSERT INTO rk_internal.connection_log (event, recordtime, remotehost, remoteport, pid, dbname, username,
  authmethod, duration, sslversion, sslcipher, application_name)
SELECT * FROM unnest($1::text[], $2::timestamp[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],
  $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[])`

const UPSERT_WLM_STATE = `
INSERT INTO rk_internal.wlm_state (service_class, num_queued_queries, num_executing_queries,
  num_serviced_queries, num_executed_queries, num_evicted_queries)
SELECT s, q, e, sv, ex, 0 FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[]) AS t(s, q, e, sv, ex)
ON CONFLICT (service_class) DO UPDATE SET num_queued_queries = excluded.num_queued_queries,
  num_executing_queries = excluded.num_executing_queries, num_serviced_queries = excluded.num_serviced_queries,
  num_executed_queries = excluded.num_executed_queries`

const INSERT_TABLE = `INSERT INTO rk_internal.table_attributes (schema_name, table_name, diststyle, distkey,
  sortkey_type, sortkeys, encodings, backup)`
const ON_TABLE_CONFLICT = `ON CONFLICT (schema_name, table_name) DO UPDATE SET diststyle = excluded.diststyle,
  distkey = excluded.distkey, sortkey_type = excluded.sortkey_type, sortkeys = excluded.sortkeys,
  encodings = excluded.encodings, backup = excluded.backup`

/** A table attribute write, kept in statement order (a CREATE then an ALTER of the same table). */
type TableWrite = { readonly create: TableAttributes } | { readonly alter: TableAttributeChange }

const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString())

/** Writes the bookkeeping through `admin` (a superuser connection to the database holding rk_internal). */
export class QueryLog {
  readonly #admin: SerialSession
  readonly #log: (line: string) => void
  readonly #wlmCounters: () => WlmQueueCounters[]
  #records = new Map<number, QueryRecord>()
  /** Records of statements that never ran after all, to delete. */
  #forgotten: number[] = []
  #events: ConnectionEvent[] = []
  #wlmDirty = true
  #tables: TableWrite[] = []
  #timer: NodeJS.Timeout | undefined
  #chain: Promise<void> = Promise.resolve()
  #closed = false
  #lastFailure = ''

  constructor(admin: SerialSession, wlmCounters: () => WlmQueueCounters[], log: (line: string) => void) {
    this.#admin = admin
    this.#wlmCounters = wlmCounters
    this.#log = log
  }

  /** Writes the WLM configuration (once, at start). */
  async writeQueues(queues: readonly WlmQueue[]): Promise<void> {
    await this.#admin.query('DELETE FROM rk_internal.wlm_queues')
    await this.#admin.query(
      `INSERT INTO rk_internal.wlm_queues (service_class, name, query_groups, user_groups, slots,
         max_execution_time, query_group_wild_card, user_group_wild_card)
       SELECT s, n, string_to_array(qg, chr(31)), string_to_array(ug, chr(31)), sl, mx, qw, uw
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bool[], $8::bool[])
         AS t(s, n, qg, ug, sl, mx, qw, uw)`,
      [
        queues.map((q) => q.serviceClass),
        queues.map((q) => q.name),
        queues.map((q) => q.queryGroups.join('\u001f')),
        queues.map((q) => q.userGroups.join('\u001f')),
        queues.map((q) => q.slots),
        queues.map((q) => q.maxExecutionTimeMs),
        queues.map((q) => q.queryGroupWildcard),
        queues.map((q) => q.userGroupWildcard),
      ],
    )
  }

  /** The record changed: it is written with the next flush. */
  touch(record: QueryRecord): void {
    this.#records.set(record.queryId, record)
    this.#schedule()
  }

  /**
   * The statement of `record` never ran (it was logged ahead of its Execute, which never came): its
   * record goes, written or not.
   */
  forget(record: QueryRecord): void {
    this.#records.delete(record.queryId)
    this.#forgotten.push(record.queryId)
    this.#schedule()
  }

  connectionEvent(event: ConnectionEvent): void {
    this.#events.push(event)
    this.#schedule()
  }

  /** A CREATE TABLE with Redshift attributes succeeded: recorded in rk_internal.table_attributes. */
  tableAttributes(attributes: TableAttributes): void {
    this.#tables.push({ create: attributes })
    this.#schedule()
  }

  /** An ALTER TABLE changed Redshift attributes (DISTSTYLE, DISTKEY, SORTKEY, ENCODE): recorded in order. */
  alterTableAttributes(change: TableAttributeChange): void {
    this.#tables.push({ alter: change })
    this.#schedule()
  }

  /** WLM counters changed. */
  wlmChanged(): void {
    this.#wlmDirty = true
    this.#schedule()
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.flush()
    }, FLUSH_INTERVAL_MS)
    this.#timer.unref()
  }

  /** Writes everything changed so far; resolves when it is in the engine. Never rejects. */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#flushOnce())
    return this.#chain
  }

  async #flushOnce(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    const records = [...this.#records.values()]
    const events = this.#events
    const wlm = this.#wlmDirty
    const tables = this.#tables
    const forgotten = this.#forgotten
    if (records.length === 0 && events.length === 0 && !wlm && tables.length === 0 && forgotten.length === 0)
      return
    this.#records = new Map()
    this.#forgotten = []
    this.#events = []
    this.#tables = []
    this.#wlmDirty = false
    try {
      if (records.length > 0) await this.#admin.query(UPSERT_QUERIES, [queryRecordsJson(records)])
      if (forgotten.length > 0) {
        await this.#admin.query('DELETE FROM rk_internal.queries WHERE query_id = ANY($1::bigint[])', [
          forgotten,
        ])
      }
      if (events.length > 0) await this.#admin.query(INSERT_CONNECTIONS, eventColumns(events))
      for (const t of tables) await ('create' in t ? this.#writeTable(t.create) : this.#alterTable(t.alter))
      if (wlm) {
        const c = this.#wlmCounters()
        await this.#admin.query(UPSERT_WLM_STATE, [
          c.map((x) => x.serviceClass),
          c.map((x) => x.queued),
          c.map((x) => x.executing),
          c.map((x) => x.serviced),
          c.map((x) => x.executed),
        ])
      }
    } catch (error) {
      // Bookkeeping must never break a client's statement; say why once per distinct failure.
      const text = error instanceof Error ? error.message : String(error)
      if (text !== this.#lastFailure) this.#log(`[gateway] could not write the query log: ${text}`)
      this.#lastFailure = text
    }
  }

  async #writeTable(t: TableAttributes): Promise<void> {
    const schema = await this.#schemaOf(t.schema, t.table)
    const own = [
      schema,
      t.table,
      t.diststyle,
      t.distkey,
      t.sortkeyType,
      t.sortkeys,
      JSON.stringify(t.encodings),
      t.backup,
    ]
    if (t.inheritsFrom !== undefined) {
      const copied = await this.#admin.query(
        `${INSERT_TABLE} SELECT $1, $2, p.diststyle, p.distkey, p.sortkey_type, p.sortkeys, $3::jsonb, $4
           FROM rk_internal.table_attributes p WHERE p.schema_name = $5 AND p.table_name = $6
         ${ON_TABLE_CONFLICT}`,
        [
          schema,
          t.table,
          JSON.stringify(t.encodings),
          t.backup,
          t.inheritsFrom.schema ?? 'public',
          t.inheritsFrom.table,
        ],
      )
      if ((copied.rowCount ?? 0) > 0) return
    }
    await this.#admin.query(
      `${INSERT_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ${ON_TABLE_CONFLICT}`,
      own,
    )
  }

  /**
   * The schema of a table the statement named without one. It landed in the first schema of the
   * client session's search path, which the dialect cannot know (`SET search_path TO s` may have come
   * in any earlier statement): the newest committed table of that name says where. PUBLIC when none
   * is visible yet (created in a transaction still open).
   */
  async #schemaOf(schema: string | null | undefined, table: string): Promise<string> {
    if (schema != null) return schema
    const found = await this.#admin.query<{ nspname: string }>(
      `SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%'
          AND n.nspname <> 'information_schema'
        ORDER BY c.oid DESC LIMIT 1`,
      [table],
    )
    return found.rows[0]?.nspname ?? 'public'
  }

  async #alterTable(c: TableAttributeChange): Promise<void> {
    const key = [await this.#schemaOf(c.schema, c.table), c.table]
    // A table created before the gateway recorded attributes gets Redshift's defaults first.
    await this.#admin.query(
      `${INSERT_TABLE} VALUES ($1, $2, 'AUTO', NULL, NULL, '{}', '{}'::jsonb, true) ON CONFLICT DO NOTHING`,
      key,
    )
    await this.#admin.query(
      `UPDATE rk_internal.table_attributes SET
         diststyle = coalesce($3, diststyle),
         distkey = CASE WHEN $4 THEN $5 ELSE distkey END,
         sortkey_type = CASE WHEN $6 THEN $7 ELSE sortkey_type END,
         sortkeys = coalesce($8::text[], sortkeys),
         encodings = encodings || $9::jsonb
       WHERE schema_name = $1 AND table_name = $2`,
      [
        ...key,
        c.diststyle ?? null,
        c.distkey !== undefined,
        c.distkey ?? null,
        c.sortkeyType !== undefined,
        c.sortkeyType ?? null,
        c.sortkeys ?? null,
        JSON.stringify(c.encodings ?? {}),
      ],
    )
  }

  /** Final flush; later changes are dropped and no timer is left. */
  async close(): Promise<void> {
    await this.flush()
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/** The records as a JSON array of arrays, in UPSERT_QUERIES' order; times as epoch milliseconds. */
export function queryRecordsJson(records: readonly QueryRecord[]): string {
  const q = JSON.stringify
  let out = '['
  for (const r of records) {
    if (out.length > 1) out += ','
    out += `[${r.queryId},${r.xid},${r.pid},${r.userId},${q(r.userName)},${q(r.databaseName)},${q(r.label)},${q(r.queryType)},${q(r.status)},${r.serviceClass},${q(r.queueName)},${r.slotCount},${r.queueStart.getTime()},${r.startTime.getTime()},${r.endTime === undefined ? 'null' : r.endTime.getTime()},${r.returnedRows},${r.returnedBytes},${r.rowsAffected},${r.errorMessage === undefined ? 'null' : q(r.errorMessage)},${q(r.queryText)}]`
  }
  return `${out}]`
}

function eventColumns(events: readonly ConnectionEvent[]): unknown[] {
  return [
    events.map((e) => e.event),
    events.map((e) => iso(e.recordTime)),
    events.map((e) => e.remoteHost),
    events.map((e) => e.remotePort),
    events.map((e) => e.pid),
    events.map((e) => e.dbName),
    events.map((e) => e.userName),
    events.map((e) => e.authMethod),
    events.map((e) => e.durationMicros),
    events.map((e) => e.sslVersion),
    events.map((e) => e.sslCipher),
    events.map((e) => e.applicationName),
  ]
}
