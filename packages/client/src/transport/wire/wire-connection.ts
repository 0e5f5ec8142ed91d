import type { ConnectionOptions } from 'node:tls'
import pg from 'pg'
import { type DescribedField, DescribeQuery } from './describe-query.js'
import { SessionState, type WantedSettings } from './session-state.js'

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
  /** Delay before the first TCP keepalive probe; idle sockets through NAT are cut otherwise. */
  readonly keepAliveInitialDelayMs: number
  readonly applicationName: string
  readonly types: TypeParserSource
  /** The session settings the client manages; a fresh session has them at the server's defaults. */
  readonly managedSettings: readonly string[]
}

/** One statement for {@link WireConnection.run}. */
export interface WireStatement {
  readonly sql: string
  /** Parameter values already serialized for the wire (text, bytes or null). */
  readonly values: readonly unknown[]
  /** A server-side prepared statement name: parsed once per connection, then only bound. */
  readonly name?: string
  readonly settings: WantedSettings
  /** Also fetch `pg_last_query_id()` in the same round trip. */
  readonly fetchQueryId: boolean
}

/** A column of a wire result, as the server described it. */
export type WireField = DescribedField

/** What a statement returned. */
export interface WireResult {
  /** The command tag's verb (`SELECT`, `INSERT`, ...); empty for an empty statement. */
  readonly command: string
  readonly rowCount: number | null
  readonly fields: readonly WireField[]
  /** Rows as arrays, each value already parsed by the type parsers. */
  readonly rows: readonly unknown[][]
  /** Redshift's id of the statement, when fetched. */
  readonly queryId: string | null
}

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

interface PgInternals {
  readonly processID: number | null
  readonly connection: pg.Connection & { readonly parsedStatements?: Record<string, string> }
}

const SESSION_COMMANDS = new Set(['SET', 'RESET', 'DISCARD'])

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
  #brokenError: unknown
  #settingsInTransaction = false
  #closed = false

  private constructor(
    client: pg.Client,
    parameters: ReadonlyMap<string, string>,
    managed: readonly string[],
  ) {
    this.#client = client
    this.#parameters = parameters
    this.#state = new SessionState(managed)
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
      keepAlive: true,
      keepAliveInitialDelayMillis: options.keepAliveInitialDelayMs,
      application_name: options.applicationName,
      types: options.types as pg.CustomTypesConfig,
      pipeline: true,
    })
    const parameters = new Map<string, string>()
    client.connection.on('parameterStatus', (message: ParameterStatusMessage) => {
      parameters.set(message.parameterName, message.parameterValue)
    })
    const connection = new WireConnection(client, parameters, options.managedSettings)
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
    connected = true
    return connection
  }

  /** The server's process id of this session (what `pg_cancel_backend` / `pg_terminate_backend` take). */
  get pid(): number {
    return (this.#client as unknown as PgInternals).processID ?? 0
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
    return (this.#client as unknown as PgInternals).connection.parsedStatements?.[name] !== undefined
  }

  /** Marks a prepared statement to be dropped from this session before its next statement. */
  retire(name: string): void {
    if (this.hasPrepared(name)) this.#retired.add(name)
  }

  /**
   * Runs one statement. Settings that differ from the session's, pending DEALLOCATEs, the statement,
   * and (when asked) `SELECT pg_last_query_id()` are written together: one round trip.
   */
  async run(statement: WireStatement): Promise<WireResult> {
    const change = this.#state.diff(statement.settings)
    const prelude = [...change.statements, ...[...this.#retired].map((name) => `DEALLOCATE ${name}`)]
    const retiring = [...this.#retired]
    const inTransactionBefore = this.inTransaction
    const preludeRun =
      prelude.length > 0 ? this.#client.query({ text: prelude.join('; '), rowMode: 'array' }) : undefined
    const main = this.#client.query({
      text: statement.sql,
      values: statement.values as unknown[],
      rowMode: 'array',
      ...(statement.name === undefined ? {} : { name: statement.name }),
    }) as unknown as Promise<PgArrayResult | PgArrayResult[]>
    const idRun = statement.fetchQueryId
      ? (this.#client.query({
          text: 'SELECT pg_last_query_id()',
          rowMode: 'array',
        }) as unknown as Promise<PgArrayResult>)
      : undefined
    const [preludeOutcome, mainOutcome, idOutcome] = await Promise.allSettled([preludeRun, main, idRun])
    if (preludeOutcome.status === 'rejected') {
      // A multi-statement query is one implicit transaction: none of its SETs took effect (inside an
      // explicit transaction they are undone at its end either way). Retired names are dropped rather
      // than retried, so a DEALLOCATE that cannot succeed is never sent forever.
      for (const name of retiring) this.#retired.delete(name)
      if (inTransactionBefore) this.#settingsInTransaction = true
      // The statement ran without the settings it asked for; its outcome is not what was requested.
      throw preludeOutcome.reason
    }
    if (preludeRun) {
      this.#state.commit(change)
      for (const name of retiring) this.#retired.delete(name)
      if (inTransactionBefore && change.statements.length > 0) this.#settingsInTransaction = true
    }
    this.#afterStatement(mainOutcome.status === 'fulfilled' ? mainOutcome.value : undefined)
    if (mainOutcome.status === 'rejected') throw mainOutcome.reason
    const result = lastResult(mainOutcome.value)
    const idRow = idOutcome.status === 'fulfilled' ? idOutcome.value?.rows[0] : undefined
    const queryId = idRow?.[0] === undefined || idRow[0] === null ? null : String(idRow[0])
    return {
      command: result.command ?? '',
      rowCount: result.rowCount,
      fields: result.fields,
      rows: result.rows,
      queryId,
    }
  }

  /** Parses `sql` under `name` on this session without running it, and returns its columns. */
  describe(name: string, sql: string): Promise<readonly WireField[]> {
    return new Promise((resolve, reject) => {
      this.#client.query(
        new DescribeQuery(name, sql, (error, fields) => (error ? reject(error) : resolve(fields))),
      )
    })
  }

  /** Runs raw SQL with no settings management (BEGIN, COMMIT, ROLLBACK, probes). */
  async simple(sql: string): Promise<WireResult> {
    const results = (await this.#client.query({ text: sql, rowMode: 'array' })) as unknown as
      | PgArrayResult
      | PgArrayResult[]
    this.#afterStatement(results)
    const result = lastResult(results)
    return {
      command: result.command ?? '',
      rowCount: result.rowCount,
      fields: result.fields,
      rows: result.rows,
      queryId: null,
    }
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

  /** Closes the session; never throws. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    try {
      await this.#client.end()
    } catch {
      // The socket is gone either way.
    }
  }

  #afterStatement(results: PgArrayResult | PgArrayResult[] | undefined): void {
    const list = results === undefined ? [] : Array.isArray(results) ? results : [results]
    if (list.some((r) => r.command !== null && SESSION_COMMANDS.has(r.command))) {
      // The statement changed session settings itself: what we knew no longer holds.
      this.#state.forgetAll()
    }
    if (this.#settingsInTransaction && !this.inTransaction) {
      // The transaction that saw our SETs has ended, by COMMIT or ROLLBACK: we cannot tell which kept them.
      this.#settingsInTransaction = false
      this.#state.forgetAll()
    }
  }
}
