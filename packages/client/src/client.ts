import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  cancelQuery,
  executeQueryAsync,
  getQueryMetrics,
  getQueryResults,
  getQueryStatus,
  streamResults,
} from './client/async-operations.js'
import {
  type ClientContext,
  createClientContext,
  forceClose,
  setQueryGroup,
  shutDown,
} from './client/client-context.js'
import { ClientLifecycle } from './client/client-lifecycle.js'
import type { CallOptions, ClientOptions } from './client/client-options.js'
import { copy, getLoadErrors, unload, validateCopy, validateUnload } from './client/data-operations.js'
import type { Diagnostics } from './client/diagnostics.js'
import { getDiagnostics, healthCheck } from './client/health-operations.js'
import type { HealthStatus } from './client/health-status.js'
import { batchExecute, deallocate, executePrepared, prepare } from './client/prepared-operations.js'
import { executeQuery, explainQuery } from './client/statement-operations.js'
import { beginTransaction, inTransaction } from './client/transaction-operations.js'
import { RedshiftConfig } from './config/redshift-config.js'
import { executeWithStagedLists, hasStagedLists } from './data/bind/staged-in-list.js'
import type { CopyCommand } from './data/copy-command.js'
import type { DataCallOptions } from './data/data-context.js'
import type { CopyResult, UnloadResult } from './data/data-results.js'
import { type LoadFileOptions, type LoadFileResult, loadFile } from './data/load/load-file.js'
import { type LoadRowsOptions, type LoadRowsResult, loadRows } from './data/load/load-rows.js'
import type { LoadRows } from './data/load/row-source.js'
import {
  type MergeOptions,
  type MergeResult,
  mergeRows,
  type UpsertOptions,
} from './data/merge/merge-rows.js'
import type { TableRef } from './data/table-ref.js'
import { type UnloadStream, type UnloadStreamOptions, unloadToStream } from './data/unload/unload-stream.js'
import type { UnloadCommand } from './data/unload-command.js'
import type { LoadError } from './errors/load-error.js'
import { createHealthHandler, type HealthHandlerOptions } from './observability/health-handler.js'
import type {
  AsyncQueryHandle,
  AsyncQueryOptions,
  QueryResultsOptions,
  QueryStatus,
} from './query/async-query-handle.js'
import type { CancelOutcome, CancelTarget } from './query/cancel-query.js'
import type { QueryPlan } from './query/explain-plan.js'
import type { QueryMetrics, QueryMetricsOptions } from './query/metrics-query.js'
import type { PreparedStatement } from './query/prepared-statement.js'
import type { Query } from './query/query.js'
import { QueryBuilder } from './query/query-builder.js'
import type { QueryResult } from './query/query-result.js'
import type { ResultStream } from './query/result-stream.js'
import type { StreamOptions } from './query/result-stream-open.js'
import { countPlaceholders } from './query/sql-scan.js'
import {
  type ExternalSchema,
  type ExternalTable,
  listExternalSchemas,
  listExternalTables,
  type ValidationResult,
} from './spectrum/spectrum.js'
import { validateSpectrumQuery } from './spectrum/validate-spectrum.js'
import type { TransactionOptions } from './transaction/run-in-transaction.js'
import type { Transaction } from './transaction/transaction.js'
import type { PoolStats } from './transport/pool-stats.js'
import type { QueryId } from './types/query-id.js'
import type { QueryParam } from './types/value.js'
import { withPoolSizingHint } from './workload/diagnostics-hint.js'
import type { SqlRunner } from './workload/sql-runner.js'
import { getQueueState, getRunningQueries, type QueueState, type RunningQuery } from './workload/workload.js'

export type { CallOptions, ClientOptions } from './client/client-options.js'

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
  readonly #ctx: ClientContext
  readonly #life = new ClientLifecycle()

  constructor(config: RedshiftConfig, options: ClientOptions = {}) {
    this.#ctx = createClientContext(config, options, () => this.#life.closed)
    this.#ctx.observability.attachSql(this.#sql)
    this.config = config
  }

  /**
   * Runs one statement in autocommit mode (a {@link Query} or plain SQL) and returns its rows.
   *
   * @example
   * const r = await client.executeQuery(new QueryBuilder('SELECT * FROM users WHERE id = $1').param(123n).build())
   * r.rows[0]?.get('email')
   */
  executeQuery(query: Query | string, options: CallOptions = {}): Promise<QueryResult> {
    // An inList past the bind-parameter limit is staged in a temporary table (one transaction).
    if (hasStagedLists(query)) return this.#life.track(() => executeWithStagedLists(this, query, options))
    return this.#life.track(async () => executeQuery(this.#ctx, query, options))
  }

  /**
   * Prepares a statement: validated by the server now, then parsed once on each pooled connection
   * that runs it.
   *
   * @example
   * const stmt = await client.prepare('user_by_id', 'SELECT * FROM users WHERE id = $1')
   */
  prepare(name: string, sql: string, options: CallOptions = {}): Promise<PreparedStatement> {
    return this.#life.track(() => prepare(this.#ctx, name, sql, options))
  }

  /**
   * Runs a prepared statement with `params` (one value per `$n`).
   *
   * @example
   * const r = await client.executePrepared(stmt, [123n])
   */
  executePrepared(
    statement: PreparedStatement,
    params: readonly QueryParam[] = [],
    options: CallOptions = {},
  ): Promise<QueryResult> {
    return this.#life.track(async () => executePrepared(this.#ctx, statement, params, options))
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
    options: TransactionOptions & CallOptions = {},
  ): Promise<QueryResult[]> {
    return this.#life.track(() => batchExecute(this.#ctx, statement, paramSets, options))
  }

  /**
   * Drops a prepared statement from the server (on each connection, before its next use there).
   * Deallocating twice does nothing.
   *
   * @example
   * await client.deallocate(stmt)
   */
  deallocate(statement: PreparedStatement): Promise<void> {
    return this.#life.track(() => deallocate(this.#ctx, statement))
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
    return this.#life.track(() => beginTransaction(this.#ctx, options))
  }

  /** Commits `tx` (see {@link Transaction.commit}). */
  commit(tx: Transaction): Promise<void> {
    return this.#life.track(() => tx.commit(), false)
  }

  /** Rolls back `tx` (see {@link Transaction.rollback}). */
  rollback(tx: Transaction): Promise<void> {
    return this.#life.track(() => tx.rollback(), false)
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
    return this.#life.track(() => inTransaction(this.#ctx, fn, options))
  }

  /**
   * Loads application rows (arrays, objects, any iterable or async iterable, or an object-mode
   * `Readable`) into a table the way Redshift loads data: staged as compressed Parquet (or CSV) files
   * under a fresh prefix of `staging` with `@aws-sdk/client-s3`, one COPY through a manifest, the files
   * removed afterwards (also on failure and abort). Values keep their exact types (the table's column
   * types decide the encoding); memory stays bounded whatever the input's size. A failed load raises
   * `LoadFailedError` with its load errors and loads nothing.
   *
   * @example
   * await client.loadRows('analytics.events', events, {
   *   staging: 's3://my-bucket/tmp/', iamRole: 'arn:aws:iam::123456789012:role/Load', mode: 'append',
   *   onProgress: (p) => console.log(p.phase, p.rows, p.filesStaged),
   * })
   */
  loadRows(table: TableRef | string, rows: LoadRows, options: LoadRowsOptions): Promise<LoadRowsResult> {
    return this.#life.track(() => loadRows(this, table, rows, options))
  }

  /**
   * Loads a local CSV, JSON (objects one after the other) or Parquet file the way `loadRows` loads
   * rows: staged to `staging` and loaded with one COPY, the staged files removed afterwards (also on
   * failure and abort). The file goes as it is (CSV and JSON cut at record boundaries into gzip parts
   * COPY loads in parallel; Parquet whole), so Redshift reads the values exactly as written; memory
   * stays bounded whatever the file's size. A CSV header maps columns by name. A failed load raises
   * `LoadFailedError` whose load errors name the file and its line.
   *
   * @example
   * const r = await client.loadFile('analytics.events', './events.csv', { staging: 's3://my-bucket/tmp/' })
   * console.log(`${r.rowsLoaded} rows from ${r.filesStaged} parts`)
   */
  loadFile(table: TableRef | string, file: string | URL, options: LoadFileOptions): Promise<LoadFileResult> {
    return this.#life.track(() => loadFile(this, table, file, options))
  }

  /**
   * Inserts the rows whose keys the table does not have and updates those it has, in one transaction
   * (rerun after a serialization conflict): the rows are staged and COPYed into a temporary table as
   * `loadRows` does, then merged with Redshift's MERGE. Input rows that share a key, or have a NULL
   * key, are refused with the keys named, and nothing changes. `merge` says what to do instead.
   *
   * @example
   * const r = await client.upsert('analytics.users', users, { keys: ['id'], staging: 's3://my-bucket/tmp/' })
   * console.log(`${r.rowsInserted} inserted, ${r.rowsUpdated} updated`)
   */
  upsert(table: TableRef | string, rows: LoadRows, options: UpsertOptions): Promise<MergeResult> {
    return this.#life.track(() =>
      mergeRows(this, table, rows, { ...options, whenMatched: 'update', whenNotMatched: 'insert' }),
    )
  }

  /**
   * Merges rows into a table by key, as `upsert` does, with the actions chosen: a matching row updated
   * (`updateColumns`), deleted or left alone, a new row inserted or left out. Redshift's MERGE runs
   * where it can say it; a one-sided action is the plain UPDATE, DELETE or INSERT ... WHERE NOT EXISTS.
   *
   * @example
   * // Remove the users listed in a file of ids:
   * await client.merge('analytics.users', ids.map((id) => ({ id })), {
   *   keys: ['id'], whenMatched: 'delete', whenNotMatched: 'ignore', staging: 's3://my-bucket/tmp/',
   * })
   */
  merge(table: TableRef | string, rows: LoadRows, options: MergeOptions): Promise<MergeResult> {
    return this.#life.track(() => mergeRows(this, table, rows, options))
  }

  /**
   * Reads a large result fast, the way Redshift exports: UNLOAD to a fresh prefix of `staging` as
   * Parquet, then the files' rows streamed back file by file (bounded memory) as the same `Row` objects
   * and types as `streamResults`; the files are removed at the end and on early exit. Rows are unordered
   * unless the query has ORDER BY.
   *
   * @example
   * for await (const row of await client.unloadToStream('SELECT * FROM events', { staging: 's3://b/tmp/' })) {
   *   handle(row.toObject())
   * }
   */
  unloadToStream(query: Query | string, options: UnloadStreamOptions): Promise<UnloadStream> {
    return this.#life.track(() => unloadToStream(this, query, options))
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
    return this.#life.track(async () => copy(this.#ctx, command, options, 'copyFromS3'))
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
    return this.#life.track(async () => copy(this.#ctx, command, options, 'copyFromDynamoDb'))
  }

  /**
   * Checks a COPY without running anything: that it is a built command and has authorization (its
   * own, or the configured `defaultCopyIamRole`). Throws `ValidationError`.
   *
   * @example
   * client.validateCopy(copy)
   */
  validateCopy(command: CopyCommand): void {
    validateCopy(this.#ctx, command, 'validateCopy')
  }

  /**
   * The rows STL_LOAD_ERRORS holds for `table` since `since` (use a `CopyResult`'s `startTime`).
   *
   * @example
   * const errors = await client.getLoadErrors(table, loaded.startTime)
   * for (const e of errors.slice(0, 10)) console.error(`Load error: ${e.errorMessage} at line ${e.lineNumber}`)
   */
  getLoadErrors(table: TableRef | string, since: Date, options: CallOptions = {}): Promise<LoadError[]> {
    return this.#life.track(() => getLoadErrors(this.#ctx, table, since, options))
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
    return this.#life.track(async () => unload(this.#ctx, command, options))
  }

  /**
   * Checks an UNLOAD without running anything (a built command with authorization, its own or the
   * configured `defaultUnloadIamRole`). Throws `ValidationError`.
   *
   * @example
   * client.validateUnload(unload)
   */
  validateUnload(command: UnloadCommand): void {
    validateUnload(this.#ctx, command, 'validateUnload')
  }

  /**
   * Sets the WLM query group of this client's later queries that name none (applied on each pooled
   * connection before its next query); `null` goes back to the configured `defaultQueryGroup`.
   *
   * @example
   * await client.setQueryGroup('etl')
   */
  async setQueryGroup(group: string | null): Promise<void> {
    setQueryGroup(this.#ctx, group, this.#life)
  }

  /**
   * Checks that Redshift answers: one `SELECT 1` (no table read), no retries, within `timeoutMs`
   * (default 5 s) or until `signal` aborts. Never throws.
   *
   * @example
   * const { healthy, latencyMs } = await client.healthCheck()
   */
  async healthCheck(options: CallOptions = {}): Promise<HealthStatus> {
    return healthCheck(this.#ctx, this.#life, () => this.getPoolStats(), options)
  }

  /**
   * A `node:http` handler for health probes: 200 or 503 with the health JSON. `readiness` (default)
   * runs {@link RedshiftClient.healthCheck}, so a load balancer stops routing while the database is
   * unreachable; `liveness` answers 200 without touching the database (an outage must not get the
   * process restarted). Usable as an express/fastify route handler too.
   *
   * @example
   * http.createServer(client.healthHandler()).listen(8080)
   * app.get('/livez', client.healthHandler({ mode: 'liveness' }))
   */
  healthHandler(options: HealthHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
    return createHealthHandler({ healthCheck: () => this.healthCheck() }, options)
  }

  /**
   * The pool's counts, now.
   *
   * @example
   * const { active, idle, waiting, max } = client.getPoolStats()
   */
  getPoolStats(): PoolStats {
    return this.#ctx.transport.stats()
  }

  /**
   * Endpoint, transport, server version, TLS, authentication method, pool, settings and recent
   * errors; never a secret.
   *
   * @example
   * console.log(JSON.stringify(await client.getDiagnostics(), null, 2))
   */
  async getDiagnostics(): Promise<Diagnostics> {
    const diagnostics = await getDiagnostics(this.#ctx, () => this.getPoolStats())
    return withPoolSizingHint(diagnostics, this.#sql)
  }

  /** Runs workload and Spectrum SQL through the public query path (retries, hooks, telemetry apply). */
  readonly #sql: SqlRunner = async (sql, params = []) =>
    (await this.executeQuery(new QueryBuilder(sql).params(params).build())).rows.map((r) => r.toObject())

  /**
   * The WLM queues: service class, name, slots, running and queued counts, max execution time, query
   * and user groups (from STV_WLM_SERVICE_CLASS_CONFIG / _STATE / STV_WLM_CLASSIFICATION_CONFIG, which
   * Redshift shows to superusers).
   *
   * @example
   * for (const q of await client.getQueueState()) console.log(q.name, `${q.running}/${q.slots}`, q.queued)
   */
  getQueueState(): Promise<QueueState[]> {
    return getQueueState(this.#sql)
  }

  /**
   * The queries queued or running in WLM queues (yours; every user's for a superuser): query id, pid,
   * user, queue, state, start, elapsed time, label, and the statement with its literals redacted. Cancel
   * one with `cancelQuery(q.queryId)`.
   *
   * @example
   * for (const q of await client.getRunningQueries()) if (q.elapsedMs > 600_000) await client.cancelQuery(q.queryId)
   */
  getRunningQueries(): Promise<RunningQuery[]> {
    return getRunningQueries(this.#sql)
  }

  /**
   * The external (Spectrum) schemas of the database.
   *
   * @example
   * const schemas = await client.listExternalSchemas() // [{ name: 'spectrum', catalogDatabase: 'spectrumdb', ... }]
   */
  listExternalSchemas(): Promise<ExternalSchema[]> {
    return listExternalSchemas(this.#sql)
  }

  /**
   * The external tables of an external schema, with their columns, partition keys and partitions.
   *
   * @example
   * const tables = await client.listExternalTables('spectrum')
   */
  listExternalTables(schema: string): Promise<ExternalTable[]> {
    return listExternalTables(this.#sql, schema)
  }

  /**
   * Checks a query against the external catalog and EXPLAIN before it runs: errors for unknown
   * external tables or columns, DML on an external table, external DDL inside a transaction block;
   * warnings for a partitioned table read without a partition filter and `SELECT *` on a wide table.
   *
   * @example
   * const v = await client.validateSpectrumQuery('SELECT * FROM spectrum.sales')
   * if (!v.valid) console.error(v.errors)
   */
  async validateSpectrumQuery(
    query: Query | string,
    options: { readonly inTransaction?: boolean } = {},
  ): Promise<ValidationResult> {
    const sql = typeof query === 'string' ? query : query.sql
    const schemas = await listExternalSchemas(this.#sql)
    const params = typeof query === 'string' ? 0 : query.params.length
    return validateSpectrumQuery(this.#sql, schemas, sql, {
      ...options,
      // EXPLAIN needs the parameters a statement takes: one without them is checked from the catalog only.
      ...(countPlaceholders(sql) > params ? {} : { explain: () => this.explainQuery(query) }),
    })
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
    return this.#life.track(async () => streamResults(this.#ctx, query, options))
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
    return this.#life.track(async () => executeQueryAsync(this.#ctx, query, options))
  }

  /**
   * Where an async query is: `submitted`, `running`, `finished`, `failed` or `cancelled`, with its
   * timings, rows and error.
   *
   * @example
   * const { state, elapsedMs } = await client.getQueryStatus(handle)
   */
  getQueryStatus(handle: AsyncQueryHandle | QueryId): Promise<QueryStatus> {
    return this.#life.track(() => getQueryStatus(this.#ctx, handle), false)
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
    return this.#life.track(() => getQueryResults(this.#ctx, handle, options), false)
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
    return this.#life.track(() => cancelQuery(this.#ctx, target, options), false)
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
    return this.#life.track(() => explainQuery(this.#ctx, query, options))
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
    return this.#life.track(() => getQueryMetrics(this.#ctx, queryId, options))
  }

  /**
   * Drains and closes: new calls fail with `PoolClosedError`, running calls finish, transactions
   * left open are rolled back, then every connection is closed. It takes at most `closeTimeout`
   * (default 30 s) plus a moment: calls still running then (a server that stopped answering) fail
   * with `ConnectionLostError` as every connection is dropped. Calling it again returns the same promise.
   *
   * @example
   * process.on('SIGTERM', () => void client.close())
   */
  close(): Promise<void> {
    return this.#life.close(
      () => shutDown(this.#ctx),
      this.config.closeTimeoutMs,
      () => forceClose(this.#ctx),
    )
  }
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
