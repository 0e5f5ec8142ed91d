import type { TableRef } from '../data/table-ref.js'
import { classifyError } from '../errors/classify.js'
import { NotFoundError } from '../errors/query-errors.js'
import { isRedshiftError } from '../errors/redshift-error.js'
import type { StatementSettings, TransportResult } from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryParam } from '../types/value.js'
import { TableEngine } from './engine/table-engine.js'
import { type ExecutedQueryKind, type ExecutedQuerySource, QueryLog } from './executed-query.js'
import type { InjectedResult } from './injected-result.js'
import { drawLatency, type Latency, NO_LATENCY, simulateServerTime } from './latency.js'
import { InjectedFailure, type MockCall, type MockResponse, MockResponses } from './mock-responses.js'
import { applyTransactionControl, type MockSessionState, transactionControl } from './mock-session-state.js'
import { type MockCopyResponse, MockSystemAnswers, type MockUnloadResponse } from './mock-system-answers.js'
import { toTransportResult } from './mock-values.js'
import { firstWord, isSystemRead, newSessionCounters, tokens, type Words } from './redshift-system.js'
import type { SqlPattern } from './sql-pattern.js'

// The public types stay importable from here, where the simulation's index has always found them.
export type { MockCall, MockResponse } from './mock-responses.js'
export type { MockSessionState } from './mock-session-state.js'
export type { MockCopyResponse, MockUnloadResponse } from './mock-system-answers.js'

/** Options of the {@link MockServer}. */
export interface MockServerOptions {
  readonly random: () => number
  /** How long a statement waits for another session's transaction on the tables. */
  readonly lockWaitMs: number
  /** `always`: statements no response answers run on the tables' engine even before any table exists. */
  readonly engine: 'when-tables' | 'always'
}

/**
 * The simulated Redshift behind a mock client: configured responses and faults, latency, COPY and
 * UNLOAD results, the session state and system views the client reads, tables on an in-process
 * engine, and the log of every statement received.
 */
export class MockServer {
  readonly log = new QueryLog()
  readonly #options: MockServerOptions
  readonly #engine: TableEngine
  readonly #responses = new MockResponses()
  readonly #system: MockSystemAnswers
  #latency: Latency = NO_LATENCY
  #nextQueryId = 100_000
  #nextSessionId = 10_000
  readonly #sessions = new Map<string, MockSessionState>()

  constructor(options: MockServerOptions) {
    this.#options = options
    this.#engine = new TableEngine(options.lockWaitMs)
    this.#system = new MockSystemAnswers({
      cancel: (id) => this.cancel(id),
      inflight: (except) => {
        const inflight = new Map<string, number>()
        for (const [sid, s] of this.#sessions)
          if (s.running !== undefined && s !== except) inflight.set(sid, s.running.queryId)
        return inflight
      },
    })
  }

  get engine(): TableEngine {
    return this.#engine
  }

  /** A new session (a pooled connection lent to one caller, or one autocommit statement's). */
  openSession(ephemeral: boolean): MockSessionState {
    const session: MockSessionState = {
      id: String(this.#nextSessionId++),
      ephemeral,
      inTransaction: false,
      failed: false,
      counters: newSessionCounters(),
      running: undefined,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  /** Ends a session; an open transaction on it is rolled back, as when a connection closes. */
  async closeSession(session: MockSessionState): Promise<void> {
    this.#sessions.delete(session.id)
    if (session.inTransaction) {
      session.inTransaction = false
      session.failed = false
      await this.#engine.finish(session.id, 'ROLLBACK').catch(() => undefined)
    }
  }

  /** Cancels what session `id` is running; false when it runs nothing. */
  cancel(id: string): boolean {
    const running = this.#sessions.get(id)?.running
    if (running === undefined) return false
    running.cancel.abort()
    return true
  }

  setQueryResponse(pattern: SqlPattern, response: MockResponse): void {
    this.#responses.setQueryResponse(pattern, response)
  }

  injectError(pattern: SqlPattern, error: unknown): void {
    this.#responses.injectError(pattern, error)
  }

  injectErrorSequence(pattern: SqlPattern, results: readonly InjectedResult[]): void {
    this.#responses.injectErrorSequence(pattern, results)
  }

  setCopyResponse(table: TableRef, response: MockCopyResponse): void {
    this.#system.setCopyResponse(table, response)
  }

  setUnloadResponse(prefix: string, response: MockUnloadResponse): void {
    this.#system.setUnloadResponse(prefix, response)
  }

  setLatency(latency: Latency): void {
    this.#latency = latency
  }

  /** The table id the mock gives `table` in system views (for building `LoadError`s). */
  tableId(table: TableRef): number | undefined {
    return this.#system.tableId(table)
  }

  /** Forgets every response, fault, latency, table and logged statement. */
  reset(): void {
    this.#responses.reset()
    this.#system.reset()
    this.#latency = NO_LATENCY
    this.log.clear()
    this.#engine.dropAll()
  }

  async close(): Promise<void> {
    await this.#engine.close()
  }

  /** The columns a prepared statement will return: a fixed response's, the tables' (no call is logged). */
  async prepare(sql: string, session: MockSessionState): Promise<readonly ColumnMetadata[]> {
    const rule = this.#responses.rule(sql)
    // A response function is not called here: it answers executions, with their parameters.
    if (rule !== undefined) return rule.columns ?? []
    if (this.#engineOn()) return this.#engine.describe(session.id, sql)
    return []
  }

  /** Runs one statement on `session`, as the server would: logged, delayed, then answered. */
  async run(
    kind: ExecutedQueryKind,
    statement: {
      readonly sql: string
      readonly params: readonly QueryParam[]
      readonly settings: StatementSettings
      readonly signal?: AbortSignal | undefined
    },
    session: MockSessionState,
  ): Promise<TransportResult> {
    const { sql, params } = statement
    const entry = this.log.start({
      sql,
      params,
      kind,
      sessionId: session.ephemeral ? null : session.id,
      inTransaction: session.inTransaction,
    })
    const queryId = this.#nextQueryId++
    const cancel = new AbortController()
    session.running = { queryId, cancel }
    let source: ExecutedQuerySource = 'none'
    try {
      const instant = isSystemRead(sql, tokens(sql)) && !this.#responses.configured(sql)
      await simulateServerTime(instant ? 0 : drawLatency(this.#latency, this.#options.random), {
        signal: statement.signal,
        timeoutMs: statement.settings.timeoutMs,
        cancel: cancel.signal,
      })
      const answered = await this.#answer(statement, session, queryId)
      source = answered.source
      entry.finish({ source, rowCount: answered.result.rowsAffected })
      return answered.result
    } catch (raw) {
      const error = isRedshiftError(raw) ? raw : classifyError(raw, { sql, metadata: { transport: 'mock' } })
      if (session.inTransaction) session.failed = true
      entry.finish({
        source: source === 'none' && raw instanceof InjectedFailure ? 'injected' : source,
        error: raw instanceof InjectedFailure ? raw.error : error,
      })
      throw raw instanceof InjectedFailure ? raw.error : error
    } finally {
      session.running = undefined
    }
  }

  #call(sql: string, params: readonly QueryParam[], session: MockSessionState): MockCall {
    return {
      sql,
      params,
      sessionId: session.ephemeral ? null : session.id,
      inTransaction: session.inTransaction,
    }
  }

  #engineOn(): boolean {
    return this.#engine.hasTables || this.#options.engine === 'always'
  }

  async #answer(
    statement: { readonly sql: string; readonly params: readonly QueryParam[] },
    session: MockSessionState,
    queryId: number,
  ): Promise<{ result: TransportResult; source: ExecutedQuerySource }> {
    const { sql, params } = statement
    const id = String(queryId)
    const words = tokens(sql)
    const control = transactionControl(words)
    if (session.inTransaction && session.failed && control === undefined) {
      throw classifyError(
        {
          message: 'current transaction is aborted, commands ignored until end of transaction block',
          code: '25P02',
          severity: 'ERROR',
        },
        { sql, metadata: { transport: 'mock' } },
      )
    }
    const injected = this.#responses.injected(sql)
    if (injected !== undefined) {
      if (injected.kind === 'error') throw new InjectedFailure(injected.error)
      return { result: toTransportResult(injected.result, id), source: 'injected' }
    }
    const rule = this.#responses.rule(sql)
    if (rule !== undefined) {
      const result = await rule.respond(this.#call(sql, params, session))
      return { result: toTransportResult(result, id), source: 'response' }
    }
    if (control !== undefined)
      return {
        result: await applyTransactionControl(control, session, this.#engine, id),
        source: 'transaction',
      }
    const system = this.#system.answer(sql, words, params, session, queryId)
    if (system !== undefined) return { result: system, source: 'system' }
    if (this.#engineOn()) {
      const result = await this.#engine.execute(
        session.id,
        sql,
        params,
        session.inTransaction ? 'in-transaction' : 'autocommit',
      )
      return { result: { ...result, queryId: id }, source: 'tables' }
    }
    throw this.#noResponse(sql, words)
  }

  #noResponse(sql: string, words: Words): NotFoundError {
    const shown = sql.length > 500 ? `${sql.slice(0, 500)}...` : sql
    const patterns = this.#responses.patternsShown()
    const lines = [
      `MockRedshiftClient has no response for this statement: ${shown}`,
      patterns.length === 0
        ? 'No response patterns are set.'
        : `Patterns tried (newest first): ${patterns.join(', ')}.`,
      this.#engine.hasTables ? '' : 'No tables were created.',
    ]
    const first = firstWord(words)
    if (first === 'copy')
      lines.push('For a COPY, set mock.setCopyResponse(table, { rowsLoaded }) for its table.')
    else if (first === 'unload')
      lines.push(
        "For an UNLOAD, set mock.setUnloadResponse('prefix/', { rowsUnloaded }) for its S3 location.",
      )
    lines.push(
      'Set one with mock.setQueryResponse(pattern, result), or create the tables it reads with mock.createTable(table, columns).',
    )
    return new NotFoundError(lines.filter((l) => l !== '').join(' '), {
      fault: 'client',
      sql,
      metadata: { transport: 'mock' },
    })
  }
}
