import type { UnloadedFile } from '../data/data-results.js'
import { parseS3Url } from '../data/s3-location.js'
import type { TableRef } from '../data/table-ref.js'
import { classifyError } from '../errors/classify.js'
import { ValidationError } from '../errors/client-errors.js'
import type { LoadError } from '../errors/load-error.js'
import { NotFoundError } from '../errors/query-errors.js'
import { isRedshiftError } from '../errors/redshift-error.js'
import type { ColumnMetadata } from '../query/column-metadata.js'
import { QueryId } from '../query/query-id.js'
import { QueryResult, type QueryResultInit } from '../query/query-result.js'
import type { Row } from '../query/row.js'
import type { StatementSettings, TransportResult } from '../transport/transport.js'
import type { QueryParam } from '../types/value.js'
import { TableEngine } from './engine/table-engine.js'
import { type ExecutedQueryKind, type ExecutedQuerySource, QueryLog } from './executed-query.js'
import { InjectedResult } from './injected-result.js'
import { drawLatency, type Latency, NO_LATENCY, simulateServerTime } from './latency.js'
import { assertRowsFit, toTransportResult } from './mock-values.js'
import {
  cancelTarget,
  copyTarget,
  firstWord,
  isSystemRead,
  newSessionCounters,
  type SessionCounters,
  sameTable,
  sessionFunctionSelect,
  systemViewSelect,
  tokens,
  unloadTarget,
  type Words,
} from './redshift-system.js'
import { type CompiledPattern, compilePattern, matches, type SqlPattern } from './sql-pattern.js'

/** What a response function is told about the statement it answers. */
export interface MockCall {
  readonly sql: string
  readonly params: readonly QueryParam[]
  /** The session it runs on (`null` for an autocommit statement). */
  readonly sessionId: string | null
  readonly inTransaction: boolean
}

/** A configured answer: a result, the fields of one, or a function that makes one (or throws). */
export type MockResponse =
  | QueryResult
  | QueryResultInit
  | ((call: MockCall) => QueryResult | QueryResultInit | Promise<QueryResult | QueryResultInit>)

/** What `setCopyResponse` takes: a `CopyResult` (its timing is measured anew), or its counts. */
export interface MockCopyResponse {
  readonly rowsLoaded: number
  /** Rows skipped as bad (what STL_LOAD_ERRORS counts for the COPY). @default 0 */
  readonly errors?: number
  /** A numeric Redshift query id for the COPY; one is made up when absent or not numeric. */
  readonly queryId?: string
  /** The STL_LOAD_ERRORS rows `getLoadErrors` and a failed COPY's `loadErrors` read back. */
  readonly loadErrors?: readonly LoadError[]
}

/** What `setUnloadResponse` takes: an `UnloadResult` (its timing is measured anew), or its counts. */
export interface MockUnloadResponse {
  readonly rowsUnloaded: number
  /** The files written; made up from `filesCreated` when absent. */
  readonly files?: readonly UnloadedFile[]
  /** @default files.length, else 1 */
  readonly filesCreated?: number
  /** A numeric Redshift query id for the UNLOAD; one is made up when absent or not numeric. */
  readonly queryId?: string
}

/** A session of the mock server. */
export interface MockSessionState {
  readonly id: string
  /** Autocommit statements run on a session of their own that nobody holds. */
  readonly ephemeral: boolean
  inTransaction: boolean
  /** A statement of the open transaction failed: only ROLLBACK (or COMMIT, which rolls back) is accepted. */
  failed: boolean
  readonly counters: SessionCounters
  running: { readonly queryId: number; readonly cancel: AbortController } | undefined
}

type Injection =
  | { readonly pattern: CompiledPattern; readonly kind: 'always'; readonly error: unknown }
  | { readonly pattern: CompiledPattern; readonly kind: 'sequence'; readonly queue: InjectedResult[] }

interface Rule {
  readonly pattern: CompiledPattern
  readonly respond: (call: MockCall) => Promise<QueryResult>
  /** The columns of a fixed result (what `prepare` reports); unknown for a response function. */
  readonly columns?: readonly ColumnMetadata[]
}

/** Options of the {@link MockServer}. */
export interface MockServerOptions {
  readonly random: () => number
  /** How long a statement waits for another session's transaction on the tables. */
  readonly lockWaitMs: number
  /** `always`: statements no response answers run on the tables' engine even before any table exists. */
  readonly engine: 'when-tables' | 'always'
}

const BEGIN = new Set(['begin', 'start'])
const END = new Set(['commit', 'end', 'rollback', 'abort'])

function settle(result: QueryResult | QueryResultInit): QueryResult {
  const r = result instanceof QueryResult ? result : new QueryResult(result)
  assertRowsFit(
    'response',
    r.columns,
    r.rows.map((row) => row.values),
  )
  return r
}

function transactionControl(words: Words): 'begin' | 'commit' | 'rollback' | undefined {
  const first = firstWord(words)
  if (first === undefined) return undefined
  const rest = words.slice(1).filter((t) => t.type !== 'semicolon')
  const onlyWords = (allowed: readonly string[]) =>
    rest.every((t) => t.type === 'word' && allowed.includes(t.text.toLowerCase()))
  if (BEGIN.has(first)) {
    if (first === 'start' && !(rest[0]?.type === 'word' && rest[0].text.toLowerCase() === 'transaction'))
      return undefined
    // Isolation levels and READ WRITE are accepted and ignored, as Redshift runs everything serializable.
    return onlyWords([
      'transaction',
      'work',
      'isolation',
      'level',
      'serializable',
      'read',
      'write',
      'committed',
      'uncommitted',
      'repeatable',
      'only',
    ])
      ? 'begin'
      : undefined
  }
  if (END.has(first) && onlyWords(['transaction', 'work']))
    return first === 'commit' || first === 'end' ? 'commit' : 'rollback'
  return undefined
}

/**
 * The simulated Redshift behind a mock client: configured responses and faults, latency, COPY and
 * UNLOAD results, the session state and system views the client reads, tables on an in-process
 * engine, and the log of every statement received.
 */
export class MockServer {
  readonly log = new QueryLog()
  readonly #options: MockServerOptions
  #engine: TableEngine
  #rules: Rule[] = []
  #injections: Injection[] = []
  #copies: { readonly table: TableRef; readonly response: MockCopyResponse }[] = []
  #unloads: { readonly prefix: string; readonly response: MockUnloadResponse }[] = []
  #latency: Latency = NO_LATENCY
  #nextQueryId = 100_000
  #nextSessionId = 10_000
  readonly #loads = new Map<number, { count: number; errors: readonly LoadError[] }>()
  readonly #unloadLog = new Map<number, readonly UnloadedFile[]>()
  readonly #tableIds = new Map<string, number>()
  readonly #sessions = new Map<string, MockSessionState>()

  constructor(options: MockServerOptions) {
    this.#options = options
    this.#engine = new TableEngine(options.lockWaitMs)
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
    const compiled = compilePattern(pattern)
    if (typeof response === 'function') {
      this.#rules.push({ pattern: compiled, respond: async (call) => settle(await response(call)) })
      return
    }
    const result = settle(response)
    this.#rules.push({ pattern: compiled, respond: async () => result, columns: result.columns })
  }

  injectError(pattern: SqlPattern, error: unknown): void {
    InjectedResult.error(error)
    this.#injections.push({ pattern: compilePattern(pattern), kind: 'always', error })
  }

  injectErrorSequence(pattern: SqlPattern, results: readonly InjectedResult[]): void {
    if (!Array.isArray(results) || results.length === 0) {
      throw new ValidationError('invalid error sequence', {
        problems: [
          {
            field: 'results',
            message: 'must list at least one InjectedResult.error(...) or InjectedResult.success(...)',
          },
        ],
      })
    }
    const queue = results.map((r, i) => {
      if (r?.kind !== 'error' && r?.kind !== 'success') {
        throw new ValidationError('invalid error sequence', {
          problems: [
            {
              field: `results[${i}]`,
              message: 'must be made by InjectedResult.error(e) or InjectedResult.success(result)',
            },
          ],
        })
      }
      if (r.kind === 'success')
        assertRowsFit(
          'response',
          r.result.columns,
          r.result.rows.map((row: Row) => row.values),
        )
      return r
    })
    this.#injections.push({ pattern: compilePattern(pattern), kind: 'sequence', queue })
  }

  setCopyResponse(table: TableRef, response: MockCopyResponse): void {
    const problems = []
    if (!Number.isInteger(response?.rowsLoaded) || response.rowsLoaded < 0) {
      problems.push({
        field: 'rowsLoaded',
        message: `must be a whole number >= 0, got ${String(response?.rowsLoaded)}`,
      })
    }
    if (response?.errors !== undefined && (!Number.isInteger(response.errors) || response.errors < 0)) {
      problems.push({
        field: 'errors',
        message: `must be a whole number >= 0, got ${String(response.errors)}`,
      })
    }
    if (problems.length > 0) throw new ValidationError('invalid COPY response', { problems })
    this.#copies.push({ table, response })
    const key = `${table.schema ?? ''}\u0000${table.name}`
    if (!this.#tableIds.has(key)) this.#tableIds.set(key, 200_000 + this.#tableIds.size)
  }

  setUnloadResponse(prefix: string, response: MockUnloadResponse): void {
    const problems = []
    if (typeof prefix !== 'string' || prefix === '') {
      problems.push({
        field: 'prefix',
        message: "must be a non-empty S3 prefix ('reports/2024/' or 's3://bucket/reports/')",
      })
    }
    if (!Number.isInteger(response?.rowsUnloaded) || response.rowsUnloaded < 0) {
      problems.push({
        field: 'rowsUnloaded',
        message: `must be a whole number >= 0, got ${String(response?.rowsUnloaded)}`,
      })
    }
    if (problems.length > 0) throw new ValidationError('invalid UNLOAD response', { problems })
    this.#unloads.push({ prefix, response })
  }

  setLatency(latency: Latency): void {
    this.#latency = latency
  }

  /** The table id the mock gives `table` in system views (for building `LoadError`s). */
  tableId(table: TableRef): number | undefined {
    return this.#tableIds.get(`${table.schema ?? ''}\u0000${table.name}`)
  }

  /** Forgets every response, fault, latency, table and logged statement. */
  reset(): void {
    this.#rules = []
    this.#injections = []
    this.#copies = []
    this.#unloads = []
    this.#latency = NO_LATENCY
    this.#loads.clear()
    this.#unloadLog.clear()
    this.#tableIds.clear()
    this.log.clear()
    this.#engine.dropAll()
  }

  async close(): Promise<void> {
    await this.#engine.close()
  }

  /** The columns a prepared statement will return: a fixed response's, the tables' (no call is logged). */
  async prepare(sql: string, session: MockSessionState): Promise<readonly ColumnMetadata[]> {
    const rule = this.#rules.findLast((r) => matches(r.pattern, sql))
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
      const instant = isSystemRead(sql, tokens(sql)) && !this.#configured(sql)
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

  /** Whether a response or an injected fault is set for `sql`. */
  #configured(sql: string): boolean {
    return (
      this.#rules.some((r) => matches(r.pattern, sql)) ||
      this.#injections.some((i) => matches(i.pattern, sql))
    )
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
    const injected = this.#injected(sql)
    if (injected !== undefined) {
      if (injected.kind === 'error') throw new InjectedFailure(injected.error)
      return { result: toTransportResult(injected.result, id), source: 'injected' }
    }
    const rule = this.#rules.findLast((r) => matches(r.pattern, sql))
    if (rule !== undefined) {
      const result = await rule.respond(this.#call(sql, params, session))
      return { result: toTransportResult(result, id), source: 'response' }
    }
    if (control !== undefined)
      return { result: await this.#transaction(control, session, id), source: 'transaction' }
    const system = this.#system(sql, words, params, session, queryId)
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

  #injected(sql: string): InjectedResult | undefined {
    for (let i = this.#injections.length - 1; i >= 0; i--) {
      const injection = this.#injections[i] as Injection
      if (!matches(injection.pattern, sql)) continue
      if (injection.kind === 'always') return InjectedResult.error(injection.error)
      const next = injection.queue.shift()
      if (next !== undefined) return next
    }
    return undefined
  }

  async #transaction(
    control: 'begin' | 'commit' | 'rollback',
    session: MockSessionState,
    id: string,
  ): Promise<TransportResult> {
    const done = (command: string): TransportResult => ({
      columns: [],
      rows: [],
      rowsAffected: 0,
      command,
      queryId: '',
    })
    if (control === 'begin') {
      // Redshift (like PostgreSQL) warns and stays in the open transaction on a second BEGIN.
      session.inTransaction = true
      return done('BEGIN')
    }
    const failed = session.failed
    session.inTransaction = false
    session.failed = false
    const command = control === 'commit' && !failed ? 'COMMIT' : 'ROLLBACK'
    const engine = await this.#engine.finish(session.id, command)
    return engine === undefined
      ? done(control === 'commit' && failed ? 'ROLLBACK' : command)
      : { ...engine, queryId: id }
  }

  #system(
    sql: string,
    words: Words,
    params: readonly QueryParam[],
    session: MockSessionState,
    queryId: number,
  ): TransportResult | undefined {
    const functions = sessionFunctionSelect(words, session.counters, queryId - 1)
    if (functions !== undefined) return functions
    const copyTable = copyTarget(sql, words)
    if (copyTable !== undefined) {
      const found = this.#copies.findLast((c) => sameTable(c.table, copyTable))
      if (found === undefined) return undefined
      const r = found.response
      const copyId = r.queryId !== undefined && QueryId.isRedshiftId(r.queryId) ? Number(r.queryId) : queryId
      const tableId = this.tableId(found.table) ?? 0
      session.counters.lastCopyCount = BigInt(r.rowsLoaded)
      session.counters.lastCopyId = copyId
      this.#loads.set(copyId, {
        count: r.errors ?? r.loadErrors?.length ?? 0,
        errors: (r.loadErrors ?? []).map((e) =>
          Object.freeze({ ...e, queryId: String(copyId), tableId: e.tableId || tableId }),
        ),
      })
      return { columns: [], rows: [], rowsAffected: r.rowsLoaded, command: 'COPY', queryId: String(copyId) }
    }
    const cancelPid = cancelTarget(sql)
    if (cancelPid !== undefined) {
      this.cancel(cancelPid)
      return { columns: [], rows: [], rowsAffected: 0, command: 'CANCEL', queryId: '' }
    }
    const unloadTo = unloadTarget(sql, words)
    if (unloadTo !== undefined) {
      const location = parseS3Url(unloadTo)
      const found = this.#unloads.findLast(
        (u) => unloadTo.startsWith(u.prefix) || location?.key.startsWith(u.prefix) === true,
      )
      if (found === undefined) return undefined
      const r = found.response
      const unloadId =
        r.queryId !== undefined && QueryId.isRedshiftId(r.queryId) ? Number(r.queryId) : queryId
      const count = r.files?.length ?? r.filesCreated ?? 1
      const files =
        r.files ??
        Array.from({ length: count }, (_, i) => ({
          url: `${unloadTo}${String(i).padStart(4, '0')}_part_00`,
          rowCount: Math.floor(r.rowsUnloaded / count) + (i < r.rowsUnloaded % count ? 1 : 0),
          sizeBytes: 0,
        }))
      session.counters.lastUnloadCount = BigInt(r.rowsUnloaded)
      this.#unloadLog.set(unloadId, files)
      return {
        columns: [],
        rows: [],
        rowsAffected: r.rowsUnloaded,
        command: 'UNLOAD',
        queryId: String(unloadId),
      }
    }
    const inflight = new Map<string, number>()
    for (const [sid, s] of this.#sessions)
      if (s.running !== undefined && s !== session) inflight.set(sid, s.running.queryId)
    return systemViewSelect(words, params, {
      loads: this.#loads,
      unloads: this.#unloadLog,
      tableIds: this.#tableIds,
      inflight,
    })
  }

  #noResponse(sql: string, words: Words): NotFoundError {
    const shown = sql.length > 500 ? `${sql.slice(0, 500)}...` : sql
    const patterns = this.#rules.map((r) => r.pattern.shown).reverse()
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

/** An injected error, kept apart so that it reaches the client exactly as it was given. */
class InjectedFailure {
  readonly error: unknown
  constructor(error: unknown) {
    this.error = error
  }
}
