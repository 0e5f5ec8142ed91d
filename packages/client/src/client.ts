import type { Diagnostics } from './client/diagnostics.js'
import type { HealthStatus } from './client/health-status.js'
import { RecentErrors } from './client/recent-errors.js'
import { wireTransportFromConfig } from './client/wire-transport-from-config.js'
import { RedshiftConfig } from './config/redshift-config.js'
import type { CopyCommand } from './data/copy-command.js'
import { getLoadErrors, prepareCopy, runCopy } from './data/copy-operations.js'
import {
  assertDataCallOptions,
  type DataCallOptions,
  type DataOperationContext,
} from './data/data-context.js'
import type { CopyResult, UnloadResult } from './data/data-results.js'
import type { TableRef } from './data/table-ref.js'
import type { UnloadCommand } from './data/unload-command.js'
import { prepareUnload, runUnload } from './data/unload-operations.js'
import { classifyError } from './errors/classify.js'
import { ValidationError } from './errors/client-errors.js'
import { PoolClosedError } from './errors/connection-errors.js'
import type { LoadError } from './errors/load-error.js'
import { createPipeline, type OperationRunner } from './pipeline/pipeline.js'
import { AsyncQueries } from './query/async-queries.js'
import type {
  AsyncQueryHandle,
  AsyncQueryOptions,
  QueryResultsOptions,
  QueryStatus,
} from './query/async-query-handle.js'
import { assertParamSets, multiRowInsertChunks, parseSingleRowInsert } from './query/batch.js'
import { callDeadline } from './query/cancel-deadline.js'
import { type CancelOutcome, type CancelTarget, cancelQuery } from './query/cancel-query.js'
import { QueryPlan } from './query/explain-plan.js'
import { fetchQueryMetrics, type QueryMetrics, type QueryMetricsOptions } from './query/metrics-query.js'
import { newPreparedSpec, PreparedStatement, usableSpec } from './query/prepared-statement.js'
import { createQuery, type Query, queryGroupProblem, toQuery } from './query/query.js'
import type { QueryId } from './query/query-id.js'
import { QueryResult, toQueryResult } from './query/query-result.js'
import type { ResultStream } from './query/result-stream.js'
import { openResultStream, type StreamOptions } from './query/result-stream-open.js'
import { runInTransaction, type TransactionOptions } from './transaction/run-in-transaction.js'
import { Transaction } from './transaction/transaction.js'
import type { PoolStats } from './transport/pool-stats.js'
import type { StatementSettings, Transport, TransportCursor } from './transport/transport.js'
import type { QueryParam } from './types/value.js'

/**
 * Options of {@link createClient} beyond the configuration.
 *
 * @example
 * const recorder = new QueryRecorder()
 * const client = createClient(config, { wrapTransport: (t) => recorder.wrap(t), asyncResultTtlMs: 60_000 })
 */
export interface ClientOptions {
  /**
   * The transport to run over instead of the one the configuration describes (the simulation kit's
   * mock and replay transports, or a custom one).
   */
  readonly transport?: Transport
  /**
   * Wraps the transport the client would use (the simulation kit's `QueryRecorder` records through
   * it): called once, with the configured or given transport, and the client runs over what it returns.
   */
  readonly wrapTransport?: (transport: Transport) => Transport
  /**
   * How long an async query's handle and unfetched result are kept after it ends.
   * @default 600000 (10 minutes)
   */
  readonly asyncResultTtlMs?: number
}

/**
 * Options of a single call.
 *
 * @example
 * const controller = new AbortController()
 * const tx = await client.beginTransaction({ signal: controller.signal })
 */
export interface CallOptions {
  /** Gives up waiting for a connection (and between retries) when aborted. */
  readonly signal?: AbortSignal
}

/**
 * The Redshift client: queries, prepared statements, batches and transactions over a pooled
 * transport, every operation through one pipeline. Create it with {@link createClient}; it connects
 * lazily, on first use.
 *
 * @example
 * const client = createClient(RedshiftConfig.builder()
 *   .endpoint('my-cluster.abc123.us-east-1.redshift.amazonaws.com', 5439, 'analytics')
 *   .withDatabaseAuth('analyst', process.env.REDSHIFT_PASSWORD ?? '')
 *   .build())
 * const result = await client.executeQuery(new QueryBuilder('SELECT COUNT(*) FROM sales WHERE date >= $1')
 *   .param('2024-01-01').queryGroup('dashboard').build())
 * console.log(result.rows[0]?.values[0])
 * await client.close()
 */
export class RedshiftClient {
  /** The configuration the client was created with. */
  readonly config: RedshiftConfig
  readonly #transport: Transport
  readonly #run: OperationRunner
  readonly #errors = new RecentErrors()
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #openTransactions = new Set<Transaction>()
  readonly #asyncQueries: AsyncQueries
  readonly #cursors = new Set<TransportCursor>()
  #queryGroup: string | null
  #closing: Promise<void> | undefined

  constructor(config: RedshiftConfig, options: ClientOptions = {}) {
    if (!(config instanceof RedshiftConfig)) {
      throw new ValidationError('createClient needs a RedshiftConfig', {
        problems: [
          {
            field: 'config',
            message: 'build one with RedshiftConfig.builder()...build() or RedshiftConfig.fromEnv()',
          },
        ],
      })
    }
    this.config = config
    this.#queryGroup = config.defaultQueryGroup ?? null
    const transport =
      options.transport ?? wireTransportFromConfig(config, (error) => this.#errors.add(error, 'background'))
    this.#transport = options.wrapTransport === undefined ? transport : options.wrapTransport(transport)
    this.#run = createPipeline({
      transport: this.#transport.name,
      connectRetries: config.maxRetries,
      retryBackoffMs: config.retryBackoffMs,
      onError: (error, kind) => this.#errors.add(error, kind),
    })
    this.#asyncQueries = new AsyncQueries(
      {
        openSession: (signal) =>
          this.#run({
            kind: 'begin',
            ...(signal === undefined ? {} : { signal }),
            run: () => this.#transport.openSession(signal),
          }),
        lookup: (sql, params) => this.#lookup(sql, params),
      },
      options.asyncResultTtlMs ?? 600_000,
    )
  }

  /**
   * Runs one statement in autocommit mode (a {@link Query} or plain SQL) and returns its rows.
   *
   * @example
   * const r = await client.executeQuery(new QueryBuilder('SELECT * FROM users WHERE id = $1').param(123n).build())
   * r.rows[0]?.get('email')
   */
  executeQuery(query: Query | string, options: CallOptions = {}): Promise<QueryResult> {
    return this.#track(async () => {
      const q = toQuery(query)
      const settings = this.#settingsFor(q)
      return this.#run({
        kind: 'query',
        sql: q.sql,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        run: async () => {
          const startedAt = Date.now()
          // The server enforces the timeout (statement_timeout); this deadline covers a server that
          // does not answer, and keeps a timeout and a cancel apart (Redshift says 57014 for both).
          const deadline = callDeadline(settings.timeoutMs, options.signal)
          try {
            const result = await this.#transport.execute({
              sql: q.sql,
              params: q.params,
              settings,
              ...(deadline.signal === undefined ? {} : { signal: deadline.signal }),
            })
            return toQueryResult(result, startedAt)
          } catch (error) {
            throw deadline.settle(error)
          } finally {
            deadline.dispose()
          }
        },
      })
    })
  }

  /**
   * Prepares a statement: validated by the server now, then parsed once on each pooled connection
   * that runs it.
   *
   * @example
   * const stmt = await client.prepare('user_by_id', 'SELECT * FROM users WHERE id = $1')
   */
  prepare(name: string, sql: string): Promise<PreparedStatement> {
    return this.#track(async () => {
      const spec = newPreparedSpec(name, sql)
      const columns = await this.#run({ kind: 'prepare', sql, run: () => this.#transport.prepare(spec) })
      return new PreparedStatement(spec, columns)
    })
  }

  /**
   * Runs a prepared statement with `params` (one value per `$n`).
   *
   * @example
   * const r = await client.executePrepared(stmt, [123n])
   */
  executePrepared(statement: PreparedStatement, params: readonly QueryParam[] = []): Promise<QueryResult> {
    return this.#track(async () => {
      const spec = usableSpec(statement)
      assertParamSets([params], statement.parameterCount)
      const settings = this.#settingsFor({})
      return this.#run({
        kind: 'execute-prepared',
        sql: spec.sql,
        run: async () => {
          const startedAt = Date.now()
          return toQueryResult(await this.#transport.executePrepared(spec, params, settings), startedAt)
        },
      })
    })
  }

  /**
   * Runs a prepared statement once per parameter set, all in one transaction: all or nothing. A
   * single-row `INSERT ... VALUES (...)` is sent as multi-row INSERTs (as many rows per statement as
   * fit in 32,767 bind parameters). Returns one result per parameter set.
   *
   * @example
   * const stmt = await client.prepare('add_user', 'INSERT INTO users (id, name) VALUES ($1, $2)')
   * await client.batchExecute(stmt, [[1n, 'ada'], [2n, 'grace']])
   */
  batchExecute(
    statement: PreparedStatement,
    paramSets: readonly (readonly QueryParam[])[],
    options: TransactionOptions = {},
  ): Promise<QueryResult[]> {
    return this.#track(async () => {
      const spec = usableSpec(statement)
      assertParamSets(paramSets, statement.parameterCount)
      if (paramSets.length === 0) return []
      const insert = parseSingleRowInsert(spec.sql)
      return this.#inTransaction(async (tx) => {
        const results: QueryResult[] = []
        if (insert === undefined || insert.paramCount !== statement.parameterCount) {
          for (const params of paramSets) results.push(await tx.executePrepared(statement, params))
          return results
        }
        for (const chunk of multiRowInsertChunks(insert, paramSets)) {
          const r = await tx.query(createQuery({ sql: chunk.sql, params: chunk.params }))
          // Each parameter set was one single-row INSERT: it inserted exactly one row.
          const perRow = new QueryResult({
            rowsAffected: 1,
            executionTimeMs: r.executionTimeMs,
            queryId: r.queryId,
            command: r.command,
          })
          for (let i = 0; i < chunk.rows; i++) results.push(perRow)
        }
        return results
      }, options)
    })
  }

  /**
   * Drops a prepared statement from the server (on each connection, before its next use there).
   * Deallocating twice does nothing.
   *
   * @example
   * await client.deallocate(stmt)
   */
  deallocate(statement: PreparedStatement): Promise<void> {
    return this.#track(async () => {
      if (statement.deallocated) return
      const spec = usableSpec(statement)
      statement.markDeallocated()
      await this.#run({ kind: 'deallocate', run: () => this.#transport.deallocate(spec) })
    })
  }

  /**
   * Begins a transaction on a dedicated connection. Finish it with `commit(tx)` / `rollback(tx)`
   * (or `tx.commit()` / `tx.rollback()`).
   *
   * @example
   * const tx = await client.beginTransaction()
   * await tx.query(q)
   * await client.commit(tx)
   */
  beginTransaction(options: CallOptions = {}): Promise<Transaction> {
    return this.#track(() => this.#begin(options.signal))
  }

  /** Commits `tx` (see {@link Transaction.commit}). */
  commit(tx: Transaction): Promise<void> {
    return this.#track(() => tx.commit(), false)
  }

  /** Rolls back `tx` (see {@link Transaction.rollback}). */
  rollback(tx: Transaction): Promise<void> {
    return this.#track(() => tx.rollback(), false)
  }

  /**
   * Runs `fn` in a transaction and commits. A serialization conflict rolls back and reruns the whole
   * function, with exponential backoff and jitter, up to `maxRetries` times; any other error rolls
   * back and is rethrown unchanged.
   *
   * @example
   * const moved = await client.executeInTransaction(async (tx) => {
   *   const r = await tx.query(deduct)
   *   if (r.rowsAffected === 0) throw new InsufficientInventory()
   *   await tx.query(add)
   *   return r.rowsAffected
   * })
   */
  executeInTransaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.#track(() => this.#inTransaction(fn, options))
  }

  /**
   * Loads a table from Amazon S3 (a prefix, a manifest, or the other non-DynamoDB sources) with
   * COPY. A command without authorization uses the configured `defaultCopyIamRole`. Returns the rows
   * loaded (`pg_last_copy_count()`), the rows skipped as bad, and the query id; a failed load raises
   * `LoadFailedError` whose `loadErrors` already holds its STL_LOAD_ERRORS rows.
   *
   * @example
   * const result = await client.copyFromS3(new CopyCommandBuilder(new TableRef('analytics', 'daily_events'))
   *   .fromS3('my-data-bucket', 'events/2024-01-01/').parquet()
   *   .iamRole('arn:aws:iam::123456789012:role/RedshiftCopyRole').build())
   * console.log(`Loaded ${result.rowsLoaded} rows with ${result.errors} errors`)
   */
  copyFromS3(command: CopyCommand, options: DataCallOptions = {}): Promise<CopyResult> {
    return this.#track(async () => {
      const prepared = prepareCopy(command, this.config.defaultCopyIamRole, 'copyFromS3')
      return runCopy(this.#dataContext(options), prepared)
    })
  }

  /**
   * Loads a table from DynamoDB with COPY (a `fromDynamoDb(table, readRatio)` command); otherwise as
   * {@link RedshiftClient.copyFromS3}.
   *
   * @example
   * await client.copyFromDynamoDb(new CopyCommandBuilder('favoritemovies').fromDynamoDb('Movies', 50)
   *   .iamRole('arn:aws:iam::123456789012:role/MyRedshiftRole').build())
   */
  copyFromDynamoDb(command: CopyCommand, options: DataCallOptions = {}): Promise<CopyResult> {
    return this.#track(async () => {
      const prepared = prepareCopy(command, this.config.defaultCopyIamRole, 'copyFromDynamoDb')
      return runCopy(this.#dataContext(options), prepared)
    })
  }

  /**
   * Checks a COPY without running anything: that it is a built command and has authorization (its
   * own, or the configured `defaultCopyIamRole`). Throws `ValidationError`.
   *
   * @example
   * client.validateCopy(copy)
   */
  validateCopy(command: CopyCommand): void {
    prepareCopy(command, this.config.defaultCopyIamRole, 'validateCopy')
  }

  /**
   * The rows STL_LOAD_ERRORS holds for `table` since `since` (use a `CopyResult`'s `startTime`).
   *
   * @example
   * const errors = await client.getLoadErrors(table, loaded.startTime)
   * for (const e of errors.slice(0, 10)) console.error(`Load error: ${e.errorMessage} at line ${e.lineNumber}`)
   */
  getLoadErrors(table: TableRef | string, since: Date, options: CallOptions = {}): Promise<LoadError[]> {
    return this.#track(() => getLoadErrors(this.#dataContext(options), table, since))
  }

  /**
   * Writes a query's rows to Amazon S3 with UNLOAD. A command without authorization uses the
   * configured `defaultUnloadIamRole`. Returns the rows written (`pg_last_unload_count()`), the files
   * (from STL_UNLOAD_LOG) and the manifest's URL; a failure raises `UnloadFailedError`.
   *
   * @example
   * const result = await client.unloadToS3(new UnloadCommandBuilder('SELECT * FROM sales')
   *   .toS3('reports-bucket', 'sales/').parquet()
   *   .iamRole('arn:aws:iam::123456789012:role/RedshiftUnloadRole').build())
   * console.log(`Exported ${result.rowsUnloaded} rows to ${result.filesCreated} files`)
   */
  unloadToS3(command: UnloadCommand, options: DataCallOptions = {}): Promise<UnloadResult> {
    return this.#track(async () => {
      const prepared = prepareUnload(command, this.config.defaultUnloadIamRole, 'unloadToS3')
      return runUnload(this.#dataContext(options), prepared)
    })
  }

  /**
   * Checks an UNLOAD without running anything (a built command with authorization, its own or the
   * configured `defaultUnloadIamRole`). Throws `ValidationError`.
   *
   * @example
   * client.validateUnload(unload)
   */
  validateUnload(command: UnloadCommand): void {
    prepareUnload(command, this.config.defaultUnloadIamRole, 'validateUnload')
  }

  /**
   * Sets the WLM query group of this client's later queries that name none (applied on each pooled
   * connection before its next query); `null` goes back to the configured `defaultQueryGroup`.
   *
   * @example
   * await client.setQueryGroup('etl')
   */
  async setQueryGroup(group: string | null): Promise<void> {
    if (group !== null) {
      const problem = queryGroupProblem('group', group)
      if (problem !== undefined) throw new ValidationError('invalid query group', { problems: [problem] })
    }
    this.#assertOpen()
    this.#queryGroup = group ?? this.config.defaultQueryGroup ?? null
  }

  /**
   * Checks that Redshift answers: one `SELECT 1` (no table read), no retries. Never throws.
   *
   * @example
   * const { healthy, latencyMs } = await client.healthCheck()
   */
  async healthCheck(): Promise<HealthStatus> {
    const startedAt = Date.now()
    const checkedAt = new Date()
    try {
      this.#assertOpen()
      await this.#track(() =>
        this.#transport.execute({
          sql: 'SELECT 1',
          params: [],
          settings: { timeoutMs: null, queryGroup: null },
        }),
      )
      return { healthy: true, latencyMs: Date.now() - startedAt, checkedAt, pool: this.getPoolStats() }
    } catch (raw) {
      const error = classifyError(raw, { metadata: { transport: this.#transport.name } })
      this.#errors.add(error, 'health-check')
      return {
        healthy: false,
        latencyMs: Date.now() - startedAt,
        checkedAt,
        pool: this.getPoolStats(),
        error: { code: error.code, message: error.message },
      }
    }
  }

  /**
   * The pool's counts, now.
   *
   * @example
   * const { active, idle, waiting, max } = client.getPoolStats()
   */
  getPoolStats(): PoolStats {
    return this.#transport.stats()
  }

  /**
   * Endpoint, transport, server version, TLS, authentication method, pool, settings and recent
   * errors; never a secret.
   *
   * @example
   * console.log(JSON.stringify(await client.getDiagnostics(), null, 2))
   */
  async getDiagnostics(): Promise<Diagnostics> {
    const transport = await this.#transport.diagnostics()
    const c = this.config
    return {
      ...transport,
      pool: this.getPoolStats(),
      settings: {
        poolSize: c.poolSize,
        minConnections: c.minConnections,
        connectionTimeoutMs: c.connectionTimeoutMs,
        idleTimeoutMs: c.idleTimeoutMs,
        maxLifetimeMs: c.maxLifetimeMs,
        defaultTimeoutMs: c.defaultTimeoutMs,
        maxQueryTimeoutMs: c.maxQueryTimeoutMs,
        maxRetries: c.maxRetries,
        retryBackoffMs: c.retryBackoffMs,
        queryGroup: this.#queryGroup,
      },
      recentErrors: this.#errors.list(),
      closed: this.#closing !== undefined,
    }
  }

  /**
   * Streams a query's rows in batches of `fetchSize` from a server-side cursor (a named portal in a
   * transaction, on a pooled connection of its own until the stream ends or is closed), with memory
   * bounded whatever the result's size, and the same value types as `executeQuery`.
   *
   * @example
   * const stream = await client.streamResults(new QueryBuilder('SELECT * FROM events WHERE year = 2024')
   *   .timeout(300_000).build())
   * let batch
   * while ((batch = await stream.nextBatch()) !== null) for (const row of batch) process(row)
   */
  streamResults(query: Query | string, options: StreamOptions = {}): Promise<ResultStream> {
    return this.#track(async () => {
      const q = toQuery(query)
      const host = {
        transport: this.#transport,
        run: this.#run,
        defaultFetchSize: this.config.fetchSize,
        cursors: this.#cursors,
      }
      return openResultStream(host, q, this.#settingsFor(q), options)
    })
  }

  /**
   * Starts a query on a connection of its own and returns its handle at once; ask about it with
   * `getQueryStatus`, wait for it with `getQueryResults`, stop it with `cancelQuery`.
   *
   * @example
   * const handle = await client.executeQueryAsync('SELECT region, SUM(amount) FROM sales GROUP BY region')
   * const result = await client.getQueryResults(handle, { timeoutMs: 60_000 })
   */
  executeQueryAsync(query: Query | string, options: AsyncQueryOptions = {}): Promise<AsyncQueryHandle> {
    return this.#track(async () => {
      const q = toQuery(query)
      return this.#asyncQueries.submit(q, this.#settingsFor(q), options)
    })
  }

  /**
   * Where an async query is: `submitted`, `running`, `finished`, `failed` or `cancelled`, with its
   * timings, rows and error.
   *
   * @example
   * const { state, elapsedMs } = await client.getQueryStatus(handle)
   */
  getQueryStatus(handle: AsyncQueryHandle | QueryId): Promise<QueryStatus> {
    return this.#track(() => this.#asyncQueries.status(asyncId(handle)), false)
  }

  /**
   * Waits for an async query to end and returns its result (or throws its error). A result is
   * returned once, then released; `timeoutMs` and `signal` stop the waiting, not the query.
   *
   * @example
   * const result = await client.getQueryResults(handle, { timeoutMs: 30_000 })
   */
  getQueryResults(
    handle: AsyncQueryHandle | QueryId,
    options: QueryResultsOptions = {},
  ): Promise<QueryResult> {
    return this.#track(() => this.#asyncQueries.results(asyncId(handle), options), false)
  }

  /**
   * Cancels a query: an async query of this client (its handle or id) through its own session's
   * CancelRequest, no privilege needed; a Redshift query id of any session, or `{ pid }`, with
   * Redshift's `CANCEL` (own sessions; superuser for other users'). The cancelled call fails with
   * `QueryCancelledError`; cancelling a query that has ended does nothing and says so.
   *
   * @example
   * const outcome = await client.cancelQuery(handle.queryId)
   * if (!outcome.cancelled) console.log(outcome.message) // e.g. 'async query ... had already ended'
   */
  cancelQuery(target: CancelTarget, options: CallOptions = {}): Promise<CancelOutcome> {
    return this.#track(
      () =>
        cancelQuery(
          {
            asyncQueries: this.#asyncQueries,
            execute: (sql, params) => this.#lookup(sql, params, 'cancel', options.signal),
          },
          target,
        ),
      false,
    )
  }

  /**
   * Runs EXPLAIN on a query (nothing is executed) and returns its plan: the tree of steps, the
   * text, and warnings for broadcasts, redistributions of both sides and nested loops.
   *
   * @example
   * const plan = await client.explainQuery('SELECT * FROM sales s JOIN event e ON s.eventid = e.eventid')
   * for (const w of plan.warnings) console.warn(w.code, w.message)
   */
  explainQuery(query: Query | string, options: CallOptions = {}): Promise<QueryPlan> {
    return this.#track(async () => {
      const q = toQuery(query)
      const sql = /^\s*explain\b/i.test(q.sql) ? q.sql : `EXPLAIN ${q.sql}`
      const settings = this.#settingsFor(q)
      const signal = options.signal
      const result = await this.#run({
        kind: 'query',
        sql,
        ...(signal === undefined ? {} : { signal }),
        run: () =>
          this.#transport.execute({
            sql,
            params: q.params,
            settings,
            ...(signal === undefined ? {} : { signal }),
          }),
      })
      return QueryPlan.parse(result.rows.map((row) => String(row[0] ?? '')).join('\n'))
    })
  }

  /**
   * What Redshift recorded about a query (SYS_QUERY_HISTORY, SVL_QUERY_METRICS_SUMMARY): elapsed,
   * queue and execution time, rows, bytes, CPU and spill when known. Takes a result's `queryId`, or an
   * async query's handle once Redshift has numbered it.
   *
   * @example
   * const metrics = await client.getQueryMetrics(result.queryId)
   */
  getQueryMetrics(
    queryId: QueryId | AsyncQueryHandle,
    options: QueryMetricsOptions = {},
  ): Promise<QueryMetrics> {
    return this.#track(async () => {
      let id = asyncId(queryId)
      if (this.#asyncQueries.has(id)) id = (await this.#asyncQueries.status(id)).redshiftQueryId || id
      return fetchQueryMetrics(
        (sql, params) => this.#lookup(sql, params, 'query', options.signal),
        id,
        options,
      )
    })
  }

  /**
   * Drains and closes: new calls fail with `PoolClosedError`, running calls finish, transactions
   * left open are rolled back, then every connection is closed. Calling it again returns the same promise.
   *
   * @example
   * process.on('SIGTERM', () => void client.close())
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
      await this.#asyncQueries.drain()
      await Promise.allSettled([...this.#cursors].map((cursor) => cursor.close()))
      await Promise.allSettled([...this.#openTransactions].map((tx) => tx.rollback()))
      await this.#transport.close()
    })()
    return this.#closing
  }

  #dataContext(options: DataCallOptions): DataOperationContext {
    assertDataCallOptions(options)
    return {
      transport: this.#transport,
      run: this.#run,
      settings: this.#settingsFor(options),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }
  }

  /** A small statement of the client's own (system views, CANCEL) on any pooled connection. */
  #lookup(
    sql: string,
    params: readonly (string | number)[],
    kind: 'query' | 'cancel' = 'query',
    signal?: AbortSignal,
  ) {
    return this.#run({
      kind,
      sql,
      ...(signal === undefined ? {} : { signal }),
      run: () =>
        this.#transport.execute({
          sql,
          params,
          settings: { timeoutMs: null, queryGroup: null },
          ...(signal === undefined ? {} : { signal }),
        }),
    })
  }

  #settingsFor(query: Pick<Query, 'timeoutMs' | 'queryGroup'>): StatementSettings {
    const { defaultTimeoutMs, maxQueryTimeoutMs } = this.config
    // A query's own timeout wins (0 there means "no limit"); a default of 0 leaves the server's.
    let timeoutMs: number | null = query.timeoutMs ?? (defaultTimeoutMs > 0 ? defaultTimeoutMs : null)
    if (maxQueryTimeoutMs > 0 && (timeoutMs === null || timeoutMs === 0 || timeoutMs > maxQueryTimeoutMs)) {
      timeoutMs = maxQueryTimeoutMs
    }
    return { timeoutMs, queryGroup: query.queryGroup ?? this.#queryGroup }
  }

  async #begin(signal: AbortSignal | undefined): Promise<Transaction> {
    return this.#run({
      kind: 'begin',
      sql: 'BEGIN',
      ...(signal === undefined ? {} : { signal }),
      run: async () => {
        const session = await this.#transport.openSession(signal)
        try {
          await session.execute({ sql: 'BEGIN', params: [], settings: { timeoutMs: null, queryGroup: null } })
        } catch (error) {
          session.release(error)
          throw error
        }
        const tx = new Transaction(session, {
          run: this.#run,
          settingsFor: (q) => this.#settingsFor(q),
          ended: (t) => this.#openTransactions.delete(t),
        })
        this.#openTransactions.add(tx)
        return tx
      },
    })
  }

  #inTransaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions): Promise<T> {
    return runInTransaction(() => this.#begin(options.signal), fn, {
      maxRetries: options.maxRetries ?? this.config.maxRetries,
      retryBackoffMs: options.retryBackoffMs ?? this.config.retryBackoffMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new PoolClosedError('the client is closed; create a new client')
  }

  /** Runs new work unless closing, and keeps it in the set `close()` waits for. */
  #track<T>(work: () => Promise<T>, startsWork = true): Promise<T> {
    if (startsWork && this.#closing !== undefined) {
      return Promise.reject(new PoolClosedError('the client is closed; create a new client'))
    }
    const running = (async () => work())()
    this.#inFlight.add(running)
    const forget = (): void => {
      this.#inFlight.delete(running)
    }
    running.then(forget, forget)
    return running
  }
}

function asyncId(handle: AsyncQueryHandle | QueryId): QueryId {
  return typeof handle === 'string' ? handle : handle?.queryId
}

/**
 * Creates a client. Synchronous and lazy: nothing connects until the first call.
 *
 * @example
 * const client = createClient(RedshiftConfig.builder().endpoint(host, 5439, 'dev').withDatabaseAuth(user, pw).build())
 */
export function createClient(config: RedshiftConfig, options: ClientOptions = {}): RedshiftClient {
  return new RedshiftClient(config, options)
}

/**
 * Creates a client from `REDSHIFT_*` environment variables (see `RedshiftConfig.fromEnv`); throws a
 * `ConfigError` naming every missing or bad variable.
 *
 * @example
 * const client = createClientFromEnv()
 */
export function createClientFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RedshiftClient {
  return new RedshiftClient(RedshiftConfig.fromEnv(env))
}
