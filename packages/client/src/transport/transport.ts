import type { SingleRowInsert } from '../query/batch.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryId } from '../types/query-id.js'
import type { QueryParam, Value } from '../types/value.js'
import type { PoolStats } from './pool-stats.js'

/**
 * The session settings a statement runs under, already resolved by the client (query value, else the
 * client's default). `null` means the server's default. Transports apply only what differs from what
 * the session already has.
 *
 * @example
 * const settings: StatementSettings = { timeoutMs: 30_000, queryGroup: 'etl' }
 */
export interface StatementSettings {
  /** `statement_timeout` in milliseconds; null leaves the server's (parameter group or user) default. */
  readonly timeoutMs: number | null
  /** `query_group` (WLM routing, and the query's label in STL_QUERY / SYS_QUERY_HISTORY). */
  readonly queryGroup: string | null
}

/**
 * One statement for a transport to run.
 *
 * @example
 * const statement: TransportStatement = { sql: 'SELECT $1::int', params: [42], settings: { timeoutMs: null, queryGroup: null } }
 */
export interface TransportStatement {
  readonly sql: string
  readonly params: readonly QueryParam[]
  readonly settings: StatementSettings
  /** The caller's cancel: on abort the transport asks the server to cancel the statement. */
  readonly signal?: AbortSignal | undefined
  /**
   * The client-side deadline: aborted once the statement's timeout plus a grace passed without an
   * answer (the server enforces the timeout itself, so it stopped answering). The transport then
   * drops the connection at once rather than wait for a server that may never answer.
   */
  readonly deadline?: AbortSignal | undefined
  /** Fetch Redshift's query id with this statement, overriding the transport's default. */
  readonly fetchQueryId?: boolean | undefined
}

/**
 * The signals of one call to a session (see {@link TransportStatement}).
 *
 * @example
 * await session.executePrepared(spec, [1], settings, { signal: controller.signal })
 */
export interface TransportCall {
  readonly signal?: AbortSignal | undefined
  readonly deadline?: AbortSignal | undefined
}

/**
 * A prepared statement as transports see it: the caller's name, the name used on the server, the SQL.
 *
 * @example
 * const spec: PreparedStatementSpec = { name: 'user_by_id', serverName: 'rk_1_user_by_id', sql: 'SELECT * FROM users WHERE id = $1' }
 */
export interface PreparedStatementSpec {
  /** The name the caller gave `prepare()`. */
  readonly name: string
  /** A name unique to this client, safe as an identifier, used on every session it is parsed on. */
  readonly serverName: string
  readonly sql: string
}

/**
 * What a statement returned, whichever transport ran it.
 *
 * @example
 * const r: TransportResult = await transport.execute({ sql: 'SELECT 1', params: [], settings })
 * r.rows[0]?.[0] // 1
 */
export interface TransportResult {
  readonly columns: readonly ColumnMetadata[]
  readonly rows: readonly (readonly Value[])[]
  /** Rows inserted, updated, deleted or returned (0 when the server reports none). */
  readonly rowsAffected: number
  /** The command verb (`SELECT`, `INSERT`, `COMMIT`, ...); empty for an empty statement. */
  readonly command: string
  /** Redshift's query id (`pg_last_query_id()`), or the Data API statement id; `''` when unknown. */
  readonly queryId: QueryId
}

/**
 * What a transport can do; an operation it cannot do fails with `UnsupportedError`, never silently.
 *
 * @example
 * const client = createClient(config, { transport: myTransport })
 * if (!myTransport.capabilities.cursors) console.warn('streamResults() will fail with UnsupportedError')
 */
export interface TransportCapabilities {
  /** Dedicated sessions that keep state across calls (transactions, session settings). */
  readonly sessions: boolean
  /** Server-side prepared statements (parsed once per session). */
  readonly preparedStatements: boolean
  /** Cancelling a running statement from another session. */
  readonly cancel: boolean
  /** Server-side cursors over named portals, for streaming. */
  readonly cursors: boolean
}

/**
 * Every capability: what the wire protocol offers, and what the transports that stand in for it
 * (the wire transport created on first use, the mock) offer too.
 */
export const WIRE_CAPABILITIES: TransportCapabilities = Object.freeze({
  sessions: true,
  preparedStatements: true,
  cancel: true,
  cursors: true,
})

/**
 * A session lent to one caller until released: a transaction, or any work that needs one session.
 *
 * @example
 * const session = await transport.openSession()
 * try { await session.execute({ sql: 'BEGIN', params: [], settings }) } finally { session.release() }
 */
export interface TransportSession {
  /** The session's id on the server (the backend pid on the wire). */
  readonly id: string
  /** Whether a transaction block is open (or failed and awaiting ROLLBACK). */
  readonly inTransaction: boolean
  /**
   * Whether the session is gone (its connection was lost or dropped): the server has then rolled
   * back whatever transaction it had open. @default false
   */
  readonly lost?: boolean | undefined
  execute(statement: TransportStatement): Promise<TransportResult>
  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    call?: TransportCall,
  ): Promise<TransportResult>
  /**
   * Gives the session back. With an error the session is discarded rather than reused; a session
   * released with a transaction still open is always discarded.
   */
  release(error?: unknown): void
  /**
   * Asks the server to cancel what this session is running now, without another session's privileges
   * (the wire protocol's CancelRequest); false when the transport cannot. The running statement then
   * fails with SQLSTATE 57014.
   */
  cancel?(): Promise<boolean>
}

/**
 * How a cursor reads its result.
 *
 * @example
 * const options: TransportCursorOptions = { fetchSize: 1000, signal: AbortSignal.timeout(60_000) }
 */
export interface TransportCursorOptions {
  /** Rows per round trip (the portal's Execute row limit). */
  readonly fetchSize: number
  /** Cancels the statement and closes the cursor when aborted. */
  readonly signal?: AbortSignal
}

/**
 * A statement's result read in batches through a server-side cursor (a named portal, inside a
 * transaction, on a connection of its own until closed).
 *
 * @example
 * const cursor = await transport.openCursor?.(statement, { fetchSize: 1000 })
 * for (let rows = await cursor?.next(); rows; rows = await cursor?.next()) console.log(rows.length)
 * await cursor?.close()
 */
export interface TransportCursor {
  /** The session's id on the server (the backend pid on the wire). */
  readonly sessionId: string
  readonly columns: readonly ColumnMetadata[]
  /** Redshift's query id, once the result has been read to the end; `''` before, or when unknown. */
  readonly queryId: QueryId
  /** Rows received from the server so far. */
  readonly rowsFetched: number
  /** Bytes of rows received from the server so far, where the transport counts them (the wire does). */
  readonly bytesFetched?: number
  /** The next rows (at most `fetchSize`), or null after the last; rejects with the statement's error. */
  next(): Promise<readonly (readonly Value[])[] | null>
  /** Asks the server to cancel the statement; the pending or next `next()` rejects. */
  cancel(): Promise<void>
  /** Frees the portal, ends the transaction and gives the connection back; safe to call again. */
  close(): Promise<void>
}

/**
 * What `getDiagnostics()` reports about a transport: no secrets, ever.
 *
 * @example
 * const d: TransportDiagnostics = await transport.diagnostics()
 * console.log(d.transport, d.endpoint.host, d.tls.mode)
 */
export interface TransportDiagnostics {
  /** `'wire'`, `'data-api'`, `'mock'`, ... */
  readonly transport: string
  readonly endpoint: { readonly host: string; readonly port: number; readonly database: string }
  /** The server's `server_version` (Redshift reports 8.0.2), once a session has been opened. */
  readonly serverVersion: string | null
  /** The server's `version()` text, when it has been read. */
  readonly serverVersionText: string | null
  readonly tls: { readonly enabled: boolean; readonly mode: string }
  /** `'password'`, `'iam'`, `'secrets-manager'`, ... */
  readonly authMethod: string
  /** The database user, once known (a user name is not a secret). */
  readonly user: string | null
}

/**
 * A batch as {@link Transport.executeBatch} gets it: the statement, its parameter sets and, when the
 * statement is a single-row INSERT, where rows can be added to it.
 *
 * @example
 * const batch: TransportBatch = { sql: 'INSERT INTO t VALUES ($1)', paramSets: [[1], [2]], insert: parseSingleRowInsert('INSERT INTO t VALUES ($1)') }
 */
export interface TransportBatch {
  readonly sql: string
  readonly paramSets: readonly (readonly QueryParam[])[]
  readonly insert: SingleRowInsert | undefined
}

/**
 * What one parameter set of a batch run by {@link Transport.executeBatch} did.
 *
 * @example
 * const outcome: BatchStatementOutcome = { rowsAffected: 1, queryId: '1042', command: 'INSERT' }
 */
export interface BatchStatementOutcome {
  readonly rowsAffected: number
  readonly queryId: string
  readonly command: string
}

/**
 * The seam between the client and a way of reaching Redshift (the wire protocol, the Data API, an
 * in-memory mock, a replay). The client's pipeline runs every operation through it, so retries,
 * hooks and recording behave the same over any transport.
 *
 * @example
 * // Every client operation reaches the database through its transport; a custom one replaces it:
 * const client = createClient(config, { transport: myTransport })
 * client.getPoolStats() // myTransport.stats()
 */
export interface Transport {
  /** The transport's name, as errors and diagnostics report it. */
  readonly name: string
  readonly capabilities: TransportCapabilities
  /** Runs one statement in autocommit mode on any session. */
  execute(statement: TransportStatement): Promise<TransportResult>
  /** Validates a prepared statement on the server and returns the columns it will produce. */
  prepare(
    prepared: PreparedStatementSpec,
    signal?: AbortSignal,
    deadline?: AbortSignal,
  ): Promise<readonly ColumnMetadata[]>
  /** Runs a prepared statement in autocommit mode on any session (parsed there on first use). */
  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
    deadline?: AbortSignal,
  ): Promise<TransportResult>
  /** Drops a prepared statement from every session that has it (some lazily, before their next use). */
  deallocate(prepared: PreparedStatementSpec): Promise<void>
  /** Lends a dedicated session until it is released. */
  openSession(signal?: AbortSignal): Promise<TransportSession>
  /** Asks the server to cancel what session `sessionId` is running; false when nothing was cancelled. */
  cancel(sessionId: string): Promise<boolean>
  /**
   * Runs every parameter set of `sql` in one atomic call, where the transport has one (the Data
   * API's BatchExecuteStatement): each set's rows affected and query id, in order. Null when this
   * batch does not fit such a call; `batchExecute` then runs it in a transaction on a session.
   */
  executeBatch?(
    batch: TransportBatch,
    settings: StatementSettings,
    call?: TransportCall,
  ): Promise<readonly BatchStatementOutcome[] | null>
  /** Opens a cursor over `statement` on a connection of its own (transports with `cursors`). */
  openCursor?(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor>
  /** The pool's counts (synchronous). */
  stats(): PoolStats
  diagnostics(): Promise<TransportDiagnostics>
  /** Waits for lent sessions to come back, then closes everything. */
  close(): Promise<void>
  /**
   * Drops every connection at once, lent ones included: their calls in flight fail with
   * `ConnectionLostError`. A bounded `client.close()` calls it once its `closeTimeout` is over.
   */
  destroy?(reason: unknown): void
}
