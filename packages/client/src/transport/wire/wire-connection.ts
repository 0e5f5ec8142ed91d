import type { ConnectionOptions } from 'node:tls'
import pg from 'pg'
import { ConnectionLostError } from '../../errors/connection-errors.js'
import { ColumnMetadata } from '../../types/column-metadata.js'
import type { Value } from '../../types/value.js'
import type { TransportResult } from '../transport.js'
import { CloseStatements } from './close-statements.js'
import { type DescribedField, DescribeQuery } from './describe-query.js'
import { assertPgInternals, backendOf, type PgConnectionInternals, pgConnectionOf } from './pg-internals.js'
import { SessionState, type WantedSettings } from './session-state.js'
import { type ParseState, StatementCache } from './statement-cache.js'
import { StatementQuery } from './statement-query.js'

/** Where `pg` finds the parser of a column's text by type OID (the per-client parsers, never pg's globals). */
export interface TypeParserSource {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown
}

/** How to open one wire connection. */
export interface WireConnectionOptions {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: string
  /** TLS options, or false for a plain socket. */
  readonly ssl: false | ConnectionOptions
  readonly connectTimeoutMs: number
  /** Delay before the first TCP keepalive probe; idle sockets through NAT are cut otherwise. 0: off. */
  readonly keepAliveInitialDelayMs: number
  /** A statement that receives no byte for this long drops the connection; 0: never. @default 0 */
  readonly readTimeoutMs?: number
  readonly applicationName: string
  readonly types: TypeParserSource
  /** The session settings the client manages; a fresh session has them at the server's defaults. */
  readonly managedSettings: readonly string[]
  /**
   * Statements run often are parsed once per connection under a generated name: at most `capacity`
   * SQL texts are remembered, and a text is named on its `threshold`-th use. `capacity` 0 turns
   * naming off. @default { capacity: 100, threshold: 2 }
   */
  readonly statementCache?: { readonly capacity: number; readonly threshold: number }
}

/** One statement for {@link WireConnection.run}. */
export interface WireStatement {
  readonly sql: string
  /** Parameter values already serialized for the wire (text, bytes or null). */
  readonly values: readonly unknown[]
  /** A server-side prepared statement name: parsed once per connection, then only bound. */
  readonly name?: string
  /** Without `name`: the statement may be parsed under a generated name once it is run often. */
  readonly autoName?: boolean
  /**
   * A single SELECT/INSERT/UPDATE/DELETE-like statement, which may share its implicit transaction:
   * `pg_last_query_id()` then goes out behind it under the same Sync.
   */
  readonly bundleQueryId?: boolean
  readonly settings: WantedSettings
  /** Also fetch `pg_last_query_id()` in the same round trip. */
  readonly fetchQueryId: boolean
}

/** A column of a wire result, as the server described it. */
export type WireField = DescribedField

/** What a statement returned. */

interface PgArrayResult {
  readonly command: string | null
  readonly rowCount: number | null
  readonly fields: readonly WireField[]
  readonly rows: unknown[][]
}

interface ParameterStatusMessage {
  readonly parameterName: string
  readonly parameterValue: string
}

const SESSION_COMMANDS = new Set(['SET', 'RESET', 'DISCARD'])
// After these, statements parsed under generated names are dropped and parsed again when next used,
// as redshift_connector does: a plan parsed before DDL may no longer fit (and DISCARD or DEALLOCATE
// may have dropped them already).
const STATEMENT_COMMANDS = new Set(['CREATE', 'ALTER', 'DROP', 'ROLLBACK', 'DISCARD', 'DEALLOCATE'])
const NO_NAMES: readonly string[] = Object.freeze([])
const QUERY_ID_SQL = 'SELECT pg_last_query_id()'
const NO_RESULTS: readonly PgArrayResult[] = Object.freeze([])
const GENERATED_PREFIX = 'rka_'
/** How long `close()` waits for the server's goodbye before it destroys the socket. */
const CLOSE_GRACE_MS = 1_000

/** The server dropped a named statement, or its plan no longer fits: nothing ran, it can run again. */
function isStaleStatement(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: unknown; message?: unknown }
  return e.code === '26000' || (e.code === '0A000' && /cached plan must not change/i.test(String(e.message)))
}

/** A socket write refused by the operating system: its bytes were never sent. */
function isWriteFailure(error: unknown): boolean {
  const e = error as { syscall?: unknown; code?: unknown } | null
  return e?.syscall === 'write' && (e.code === 'ECONNRESET' || e.code === 'EPIPE')
}

/**
 * The transport's result, made once from what `pg` parsed: rows stay the arrays `pg` built (values
 * already decoded by the type parsers) and are never copied again on the way up.
 */
function toResult(result: PgArrayResult, idResult: PgArrayResult | undefined): TransportResult {
  const idValue = idResult?.rows[0]?.[0]
  return {
    columns: result.fields.map((f) => ColumnMetadata.fromWire(f.name, f.dataTypeID, f.dataTypeModifier)),
    rows: result.rows as Value[][],
    rowsAffected: result.rowCount ?? 0,
    command: result.command ?? '',
    queryId: idValue === undefined || idValue === null ? '' : String(idValue),
  }
}

function lastResult(results: PgArrayResult | PgArrayResult[]): PgArrayResult {
  // A simple query with several statements answers with one result each; the last one is the answer.
  if (!Array.isArray(results)) return results
  const last = results[results.length - 1]
  if (!last) return { command: '', rowCount: null, fields: [], rows: [] }
  return last
}

/**
 * One wire session: a `pg.Client` in pipeline mode (so a session-settings change, the statement and
 * `pg_last_query_id()` go out together and cost one round trip), with the session's settings cached,
 * and the prepared statements it has parsed. Not safe for concurrent use: the pool lends it to one
 * caller at a time.
 */
export class WireConnection {
  readonly #client: pg.Client
  readonly #parameters: ReadonlyMap<string, string>
  readonly #state: SessionState
  readonly #retired = new Set<string>()
  readonly #statements: StatementCache | undefined
  readonly #pg: PgConnectionInternals
  #brokenError: unknown
  #settingsInTransaction = false
  #closed = false
  /** Why the client dropped the session itself (a deadline, the read timeout), if it did. */
  #dropReason: unknown
  /** Statements (and probes) in flight, for the read timeout. */
  #pending = 0
  readonly #readTimeoutMs: number

  private constructor(
    client: pg.Client,
    parameters: ReadonlyMap<string, string>,
    options: WireConnectionOptions,
  ) {
    this.#client = client
    this.#pg = pgConnectionOf(client)
    this.#parameters = parameters
    this.#readTimeoutMs = options.readTimeoutMs ?? 0
    this.#state = new SessionState(options.managedSettings)
    const cache = options.statementCache ?? { capacity: 100, threshold: 2 }
    this.#statements =
      cache.capacity > 0
        ? new StatementCache({
            capacity: cache.capacity,
            threshold: Math.max(1, cache.threshold),
            prefix: GENERATED_PREFIX,
          })
        : undefined
  }

  /**
   * Opens a session. `onBroken` is called once if the session dies later on its own (socket error,
   * backend terminated); errors while connecting reject instead.
   */
  static async open(
    options: WireConnectionOptions,
    onBroken: (error: unknown) => void,
  ): Promise<WireConnection> {
    const client = new pg.Client({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      password: options.password,
      ssl: options.ssl === false ? false : options.ssl,
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: options.keepAliveInitialDelayMs > 0,
      keepAliveInitialDelayMillis: options.keepAliveInitialDelayMs,
      application_name: options.applicationName,
      types: options.types as pg.CustomTypesConfig,
      pipeline: true,
    })
    const parameters = new Map<string, string>()
    client.connection.on('parameterStatus', (message: ParameterStatusMessage) => {
      parameters.set(message.parameterName, message.parameterValue)
    })
    const connection = new WireConnection(client, parameters, options)
    let connected = false
    const broken = (error: unknown): void => {
      if (connection.#brokenError !== undefined || connection.#closed) return
      connection.#brokenError = error ?? new Error('Connection ended')
      if (connected) onBroken(connection.#brokenError)
    }
    // Without an 'error' listener a dying idle socket would crash the process.
    client.on('error', broken)
    client.on('end', () => broken(new Error('Connection terminated unexpectedly')))
    try {
      await client.connect()
    } catch (error) {
      client.end().catch(() => undefined)
      throw error
    }
    try {
      assertPgInternals(client)
    } catch (error) {
      client.end().catch(() => undefined)
      throw error
    }
    connected = true
    if (connection.#readTimeoutMs > 0) {
      connection.#pg.stream.on('timeout', () => {
        if (connection.#pending === 0) return
        connection.destroy(
          new ConnectionLostError(
            `the server sent nothing for ${connection.#readTimeoutMs} ms (readTimeout): the connection was dropped`,
            { metadata: { transport: 'wire', pid: connection.pid } },
          ),
        )
      })
    }
    return connection
  }

  /** The server's process id of this session (what `pg_cancel_backend` / `pg_terminate_backend` take). */
  get pid(): number {
    return backendOf(this.#client).pid ?? 0
  }

  /**
   * The `pg` client underneath, for the cursor and cancel code of this folder (named portals and
   * CancelRequest need its socket and backend key); not for running statements behind this class's back.
   */
  get pgClient(): pg.Client {
    return this.#client
  }

  /** ParameterStatus values the server sent (`server_version`, `TimeZone`, ...). */
  get parameters(): ReadonlyMap<string, string> {
    return this.#parameters
  }

  /** Whether a transaction block is open (or failed and not yet rolled back). */
  get inTransaction(): boolean {
    const status = this.#client.getTransactionStatus()
    return status === 'T' || status === 'E'
  }

  /** Whether the session died; a broken connection must not be reused. */
  get broken(): boolean {
    return this.#brokenError !== undefined || this.#closed
  }

  /** The value of a managed setting as known now (undefined when unknown); for tests and diagnostics. */
  knownSetting(name: string): string | null | undefined {
    return this.#state.get(name)
  }

  /** Whether `name` was parsed as a prepared statement on this session. */
  hasPrepared(name: string): boolean {
    return this.#pg.parsedStatements[name] !== undefined
  }

  /** How many statements run under generated names are parsed on this session now. */
  get namedStatementCount(): number {
    let count = 0
    for (const name of Object.keys(this.#pg.parsedStatements)) if (name.startsWith(GENERATED_PREFIX)) count++
    return count
  }

  /** Marks a prepared statement to be dropped from this session before its next statement. */
  retire(name: string): void {
    if (this.hasPrepared(name)) this.#retired.add(name)
  }

  /**
   * Runs one statement. Settings that differ from the session's, pending DEALLOCATEs, the statement,
   * and (when asked) `SELECT pg_last_query_id()` are written together: one round trip. Statements
   * from several callers may be in flight on one connection at once (pipeline mode answers them in
   * order, each after its own Sync), as long as they want the same settings: each computes its own
   * SETs, so at worst a SET is sent twice.
   */
  run(statement: WireStatement): Promise<TransportResult> {
    return this.#watch(this.#run(statement))
  }

  async #run(statement: WireStatement): Promise<TransportResult> {
    const name = this.#nameFor(statement)
    try {
      return await this.#send(statement, name)
    } catch (error) {
      if (name === undefined || !name.startsWith(GENERATED_PREFIX) || !isStaleStatement(error)) throw error
      this.#statements?.evict(statement.sql)
      // Nothing ran; outside a transaction block it runs again, parsed afresh.
      if (this.inTransaction) throw error
      return this.#send(statement, undefined)
    }
  }

  async #send(statement: WireStatement, name: string | undefined): Promise<TransportResult> {
    const change = this.#state.diff(statement.settings)
    // Taken now, not when the prelude answers: a statement pipelined behind this one must not
    // DEALLOCATE the same names again.
    const retiring = this.#retired.size === 0 ? NO_NAMES : [...this.#retired]
    this.#retired.clear()
    const inTransactionBefore = this.inTransaction
    this.#closeDropped()
    const prelude =
      change.statements.length === 0 && retiring.length === 0
        ? undefined
        : [...change.statements, ...retiring.map((n) => `DEALLOCATE ${n}`)].join('; ')
    const preludeRun =
      prelude === undefined ? undefined : this.#client.query({ text: prelude, rowMode: 'array' })
    const bundled = statement.fetchQueryId && statement.bundleQueryId === true
    if (bundled && preludeRun === undefined) return this.#sendBundled(statement, name)
    const main = bundled
      ? this.#bundled(statement, name)
      : (this.#client.query({
          text: statement.sql,
          values: statement.values as unknown[],
          rowMode: 'array',
          ...(name === undefined ? {} : { name }),
        }) as unknown as Promise<PgArrayResult | PgArrayResult[]>)
    const idRun =
      statement.fetchQueryId && !bundled
        ? (this.#client.query({
            text: QUERY_ID_SQL,
            rowMode: 'array',
          }) as unknown as Promise<PgArrayResult>)
        : undefined
    const [preludeOutcome, mainOutcome, idOutcome] = await Promise.allSettled([preludeRun, main, idRun])
    if (preludeOutcome.status === 'rejected') {
      // A multi-statement query is one implicit transaction: none of its SETs took effect (inside an
      // explicit transaction they are undone at its end either way). Retired names are dropped rather
      // than retried, so a DEALLOCATE that cannot succeed is never sent forever.
      if (inTransactionBefore) this.#settingsInTransaction = true
      // The statement ran without the settings it asked for; its outcome is not what was requested.
      throw preludeOutcome.reason
    }
    if (preludeRun) {
      this.#state.commit(change)
      for (const retired of retiring) delete this.#pg.parsedStatements[retired]
      if (inTransactionBefore && change.statements.length > 0) this.#settingsInTransaction = true
    }
    this.#afterStatement(mainOutcome.status === 'fulfilled' ? mainOutcome.value : undefined)
    if (mainOutcome.status === 'rejected') throw mainOutcome.reason
    let idResult = idOutcome.status === 'fulfilled' ? idOutcome.value : undefined
    let results = mainOutcome.value
    if (bundled && Array.isArray(results)) {
      idResult = results[1]
      results = results[0] ?? results
    }
    return toResult(lastResult(results), idResult)
  }

  /** The common case: no settings to change, the statement and its id under one Sync. */
  async #sendBundled(statement: WireStatement, name: string | undefined): Promise<TransportResult> {
    let results: PgArrayResult[]
    try {
      results = await this.#bundled(statement, name)
    } catch (error) {
      this.#afterStatement(undefined)
      throw error
    }
    this.#afterStatement(results)
    return toResult(results[0] ?? lastResult(results), results[1])
  }

  /** The statement and `pg_last_query_id()` behind it, under one Sync; resolves to both results. */
  #bundled(statement: WireStatement, name: string | undefined): Promise<PgArrayResult[]> {
    return new Promise((resolve, reject) => {
      this.#client.query(
        new StatementQuery(
          {
            text: statement.sql,
            values: statement.values,
            followUp: QUERY_ID_SQL,
            ...(name === undefined ? {} : { name }),
          },
          (error, result) => (error ? reject(error) : resolve(result as PgArrayResult[])),
        ),
      )
    })
  }

  /** The name to run a statement under: its own, a generated one, or none (parse it unnamed). */
  #nameFor(statement: WireStatement): string | undefined {
    if (statement.name !== undefined) {
      // Parsed by a statement still in flight ahead of this one: that parse may yet fail, and this
      // statement must not fail with it, so it is parsed again, unnamed.
      return this.#parseState(statement.name) === 'pending' ? undefined : statement.name
    }
    if (statement.autoName !== true || this.#statements === undefined) return undefined
    return this.#statements.nameFor(statement.sql, (n) => this.#parseState(n))
  }

  #parseState(name: string): ParseState {
    if (this.#pg.parsedStatements[name] !== undefined) return 'parsed'
    return this.#pg.submittedNamedStatements[name] !== undefined ? 'pending' : 'absent'
  }

  /** Closes generated names dropped from the cache, ahead of the next statement (same round trip). */
  #closeDropped(): void {
    const names = this.#statements?.takeClosing() ?? NO_NAMES
    if (names.length === 0) return
    for (const name of names) {
      delete this.#pg.parsedStatements[name]
      delete this.#pg.submittedNamedStatements[name]
    }
    // Closing an unknown name is no error; a failure here can only be a broken connection, which
    // the statement queued behind it reports.
    this.#client.query(new CloseStatements(names, () => undefined))
  }

  /** Parses `sql` under `name` on this session without running it, and returns its columns. */
  describe(name: string, sql: string): Promise<readonly WireField[]> {
    return this.#watch(this.#describe(name, sql))
  }

  #describe(name: string, sql: string): Promise<readonly WireField[]> {
    return new Promise((resolve, reject) => {
      this.#client.query(
        new DescribeQuery(name, sql, (error, fields) => (error ? reject(error) : resolve(fields))),
      )
    })
  }

  /** Runs raw SQL with no settings management (BEGIN, COMMIT, ROLLBACK, probes). */
  simple(sql: string): Promise<TransportResult> {
    return this.#watch(this.#simple(sql))
  }

  async #simple(sql: string): Promise<TransportResult> {
    const results = (await this.#client.query({ text: sql, rowMode: 'array' })) as unknown as
      | PgArrayResult
      | PgArrayResult[]
    this.#afterStatement(results)
    return toResult(lastResult(results), undefined)
  }

  /** A cheap liveness check: an empty statement, answered without planning anything. */
  async validate(): Promise<boolean> {
    if (this.broken) return false
    try {
      await this.#client.query('')
      return !this.broken && !this.inTransaction
    } catch {
      return false
    }
  }

  /**
   * Closes the session; never throws, and never waits more than a second for the server (one that
   * stopped answering would otherwise hold `close()` forever): the socket is destroyed then.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const timer = setTimeout(() => this.#pg.stream.destroy(), CLOSE_GRACE_MS)
    timer.unref?.()
    try {
      await this.#client.end()
    } catch {
      // The socket is gone either way.
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Drops the session at once: the socket is destroyed without a goodbye, the statements in flight
   * on it fail, and the pool discards it. For a server that stopped answering.
   */
  destroy(reason?: unknown): void {
    this.#dropReason ??= reason ?? new Error('connection dropped')
    if (this.#brokenError === undefined) this.#brokenError = this.#dropReason
    this.#pg.stream.destroy()
  }

  /**
   * Counts `work` in flight for the read timeout (armed while anything is), and reports a session
   * the client dropped itself with the reason it was dropped for.
   */
  async #watch<T>(work: Promise<T>): Promise<T> {
    const alone = this.#pending++ === 0
    if (alone && this.#readTimeoutMs > 0) this.#pg.stream.setTimeout(this.#readTimeoutMs)
    try {
      return await work
    } catch (error) {
      const reason = this.#dropReason
      if (reason instanceof ConnectionLostError) throw reason
      // The socket refused this statement's bytes (the server had reset the connection) and nothing
      // else was in flight to have failed the write: the statement never left the client.
      if (alone && isWriteFailure(error)) {
        throw new ConnectionLostError(
          `the connection had been reset before the statement could be sent (${(error as Error).message})`,
          { cause: error, sent: false, metadata: { transport: 'wire' } },
        )
      }
      throw error
    } finally {
      if (--this.#pending === 0 && this.#readTimeoutMs > 0) this.#pg.stream.setTimeout(0)
    }
  }

  #afterStatement(results: PgArrayResult | PgArrayResult[] | undefined): void {
    const list = results === undefined ? NO_RESULTS : Array.isArray(results) ? results : [results]
    for (const r of list) {
      if (r.command === null) continue
      // The statement changed session settings itself: what we knew no longer holds.
      if (SESSION_COMMANDS.has(r.command)) this.#state.forgetAll()
      if (STATEMENT_COMMANDS.has(r.command)) this.#statements?.clear()
    }
    if (this.#settingsInTransaction && !this.inTransaction) {
      // The transaction that saw our SETs has ended, by COMMIT or ROLLBACK: we cannot tell which kept them.
      this.#settingsInTransaction = false
      this.#state.forgetAll()
    }
  }
}
