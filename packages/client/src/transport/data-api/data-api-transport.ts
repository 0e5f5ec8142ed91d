import type { RedshiftConfigData } from '../../config/resolve-config.js'
import { UnsupportedError, ValidationError } from '../../errors/client-errors.js'
import { PoolClosedError } from '../../errors/connection-errors.js'
import { NotFoundError } from '../../errors/query-errors.js'
import type { ColumnMetadata } from '../../types/column-metadata.js'
import { leadingKeyword } from '../../types/sql-scan.js'
import { createTypeParsers } from '../../types/type-parsers.js'
import type { QueryParam } from '../../types/value.js'
import { type PoolStats, poolStatsWith } from '../pool-stats.js'
import type {
  BatchStatementOutcome,
  PreparedStatementSpec,
  StatementSettings,
  Transport,
  TransportBatch,
  TransportCall,
  TransportCapabilities,
  TransportCursor,
  TransportCursorOptions,
  TransportDiagnostics,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../transport.js'
import { batchStatements } from './batch-literals.js'
import { DataApiCursor } from './data-api-cursor.js'
import { DataApiSession } from './data-api-session.js'
import { createDataApiSdk, dataApiTarget } from './sdk-client.js'
import { serviceFailure } from './service-errors.js'
import { type PageFormat, StatementClient } from './statement-client.js'

/**
 * What the Data API offers: sessions (Data API sessions), cancel (CancelStatement) and paged
 * results for streaming; prepared statements are emulated (the SQL is sent each time).
 */
export const DATA_API_CAPABILITIES: TransportCapabilities = Object.freeze({
  sessions: true,
  preparedStatements: false,
  cancel: true,
  cursors: true,
})

/** Options of the Data API transport beyond the configuration. */
export interface DataApiTransportOptions {
  /** Pages of `streamResults`: `'json'` (exact, the default) or `'csv'` (GetStatementResultV2, faster). */
  readonly streamFormat?: PageFormat
}

/** Sessions kept idle this long less than their keep-alive are still safe to reuse. */
const REUSE_MARGIN_MS = 30_000

/**
 * The Redshift Data API transport: each statement is an ExecuteStatement, polled adaptively and
 * read page by page into the same values as the wire transport. Dedicated sessions (transactions,
 * async queries, statements with a WLM query group) are Data API sessions, kept idle for reuse
 * until close to their keep-alive. The SDK client is created on first use.
 */
export class DataApiTransport implements Transport {
  readonly name = 'data-api'
  readonly capabilities = DATA_API_CAPABILITIES
  readonly #config: RedshiftConfigData
  readonly #streamFormat: PageFormat
  #statements: Promise<StatementClient> | undefined
  readonly #idle: DataApiSession[] = []
  readonly #lent = new Set<DataApiSession>()
  #created = 0
  #closed = false

  constructor(config: RedshiftConfigData, options: DataApiTransportOptions = {}) {
    this.#config = config
    this.#streamFormat = options.streamFormat ?? 'json'
  }

  #client(): Promise<StatementClient> {
    if (this.#closed) throw new PoolClosedError('the client is closed; create a new client')
    this.#statements ??= createDataApiSdk(this.#config).then(
      (api) =>
        new StatementClient(api, dataApiTarget(this.#config), createTypeParsers(this.#config.typeParsers)),
      (error: unknown) => {
        this.#statements = undefined
        throw error
      },
    )
    return this.#statements
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    if (statement.settings.queryGroup !== null) {
      // A query group is a session setting: the statement runs in a session that has it.
      const session = await this.openSession(statement.signal)
      try {
        const result = await session.execute(statement)
        session.release()
        return result
      } catch (error) {
        session.release(error)
        throw error
      }
    }
    const statements = await this.#client()
    return statements.run(
      statement.sql,
      statement.params,
      { kind: 'none' },
      { signal: statement.signal, deadline: statement.deadline, timeoutMs: statement.settings.timeoutMs },
    )
  }

  /**
   * Emulated: the Data API cannot describe a statement without running it, so nothing is checked
   * on the server and no columns are described (`PreparedStatement.columns` is empty); each
   * execution sends the SQL with its parameters.
   */
  async prepare(): Promise<readonly ColumnMetadata[]> {
    return []
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
    deadline?: AbortSignal,
  ): Promise<TransportResult> {
    return this.execute({ sql: prepared.sql, params, settings, signal, deadline })
  }

  /**
   * A batch as one BatchExecuteStatement: the service runs its statements in one transaction, in one
   * call and one poll, instead of BEGIN, a statement per chunk and COMMIT each submitted, polled and
   * read on a session. The call takes no parameters, so values are written as literals that read
   * the same under either backslash rule (see `sqlLiteral`). Null (the session path) when the batch
   * does not fit one call (over 40 statements, a statement over 100 KB, a value with a NUL) or needs
   * a session setting (a query group).
   */
  async executeBatch(
    batch: TransportBatch,
    settings: StatementSettings,
    call: TransportCall = {},
  ): Promise<readonly BatchStatementOutcome[] | null> {
    const { sql, paramSets } = batch
    if (settings.queryGroup !== null || paramSets.length === 0) return null
    const planned = batchStatements(sql, paramSets, batch.insert)
    if (planned === undefined) return null
    const statements = await this.#client()
    const done = await statements.batch(
      planned.map((p) => p.sql),
      { signal: call.signal, deadline: call.deadline, timeoutMs: settings.timeoutMs },
    )
    const command = leadingKeyword(sql).toUpperCase()
    const outcomes: BatchStatementOutcome[] = []
    planned.forEach((p, i) => {
      const sub = done[i]
      // A multi-row INSERT made of single-row INSERTs: each parameter set inserted one row.
      const rowsAffected = p.rows > 1 ? 1 : (sub?.rowsAffected ?? 0)
      for (let r = 0; r < p.rows; r++) outcomes.push({ rowsAffected, queryId: sub?.queryId ?? '', command })
    })
    return outcomes
  }

  async deallocate(): Promise<void> {
    // Nothing was prepared on the service.
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    signal?.throwIfAborted()
    const statements = await this.#client()
    const now = Date.now()
    let session = this.#idle.pop()
    while (session !== undefined && session.expiresAt - REUSE_MARGIN_MS < now) session = this.#idle.pop()
    session ??= new DataApiSession(statements, `data-api-session-${++this.#created}`, (s, reusable) =>
      this.#return(s, reusable),
    )
    this.#lent.add(session)
    return session
  }

  #return(session: DataApiSession, reusable: boolean): void {
    this.#lent.delete(session)
    // A session that never ran a statement holds nothing on the service and is simply dropped.
    if (reusable && !this.#closed && session.expiresAt > 0) this.#idle.push(session)
  }

  async cancel(sessionId: string): Promise<boolean> {
    for (const session of this.#lent) if (session.id === sessionId) return session.cancel()
    return false
  }

  /** CancelStatement for a statement id; false when it was not running (or is unknown). */
  async cancelStatement(id: string): Promise<boolean> {
    const { api } = await this.#client()
    try {
      const out = await api.client.send(new api.sdk.CancelStatementCommand({ Id: id }))
      return out.Status === true
    } catch (error) {
      const failure = serviceFailure(error, 'CancelStatement', id)
      if (failure instanceof ValidationError || failure instanceof NotFoundError) return false
      throw failure
    }
  }

  /**
   * Runs the statement to its end, then reads its result a page at a time (JSON pages, or CSV pages
   * from GetStatementResultV2 when the transport was made with `streamFormat: 'csv'`).
   */
  async openCursor(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor> {
    if (statement.settings.queryGroup !== null) {
      throw new UnsupportedError(
        'streamResults over the Data API runs without a session, so it cannot take a query group: stream without queryGroup, or use executeQuery',
      )
    }
    const statements = await this.#client()
    const format = this.#streamFormat
    const submitted = await statements.submit(statement.sql, statement.params, { kind: 'none' }, format)
    const finished = await statements.finish(
      submitted,
      statement.sql,
      {
        signal: options.signal ?? statement.signal,
        deadline: statement.deadline,
        timeoutMs: statement.settings.timeoutMs,
      },
      format,
    )
    return DataApiCursor.open(statements, finished, options.fetchSize)
  }

  stats(): PoolStats {
    return poolStatsWith({
      total: this.#idle.length + this.#lent.size,
      idle: this.#idle.length,
      active: this.#lent.size,
      max: this.#config.poolSize,
      createdTotal: this.#created,
      closed: this.#closed,
    })
  }

  async diagnostics(): Promise<TransportDiagnostics> {
    const c = this.#config
    return {
      transport: 'data-api',
      endpoint: {
        host: c.workgroup ?? c.clusterIdentifier ?? '',
        port: c.endpoint.port,
        database: c.endpoint.database,
      },
      serverVersion: null,
      serverVersionText: null,
      tls: { enabled: true, mode: 'https' },
      authMethod:
        c.credentials.kind === 'secrets-manager'
          ? 'secrets-manager'
          : c.credentials.kind === 'iam' && c.credentials.dbUser !== undefined
            ? 'iam-db-user'
            : 'iam-identity',
      user: c.credentials.kind === 'iam' ? (c.credentials.dbUser ?? null) : null,
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#idle.length = 0
    const statements = await this.#statements?.catch(() => undefined)
    statements?.api.client.destroy()
  }
}
