import type { Diagnostics } from './client/diagnostics.js'
import type { HealthStatus } from './client/health-status.js'
import { RecentErrors } from './client/recent-errors.js'
import { wireTransportFromConfig } from './client/wire-transport-from-config.js'
import { RedshiftConfig } from './config/redshift-config.js'
import { classifyError } from './errors/classify.js'
import { ValidationError } from './errors/client-errors.js'
import { PoolClosedError } from './errors/connection-errors.js'
import { createPipeline, type OperationRunner } from './pipeline/pipeline.js'
import { assertParamSets, multiRowInsertChunks, parseSingleRowInsert } from './query/batch.js'
import { newPreparedSpec, PreparedStatement, usableSpec } from './query/prepared-statement.js'
import { createQuery, type Query, queryGroupProblem, toQuery } from './query/query.js'
import { QueryResult } from './query/query-result.js'
import { runInTransaction, type TransactionOptions } from './transaction/run-in-transaction.js'
import { Transaction, toQueryResult } from './transaction/transaction.js'
import type { PoolStats } from './transport/pool-stats.js'
import type { StatementSettings, Transport } from './transport/transport.js'
import type { QueryParam } from './types/value.js'

/** Options of {@link createClient} beyond the configuration. */
export interface ClientOptions {
  /**
   * The transport to run over instead of the one the configuration describes (the simulation kit's
   * mock and replay transports, or a custom one).
   */
  readonly transport?: Transport
}

/** Options of a single call. */
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
    this.#transport =
      options.transport ?? wireTransportFromConfig(config, (error) => this.#errors.add(error, 'background'))
    this.#run = createPipeline({
      transport: this.#transport.name,
      connectRetries: config.maxRetries,
      retryBackoffMs: config.retryBackoffMs,
      onError: (error, kind) => this.#errors.add(error, kind),
    })
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
          const result = await this.#transport.execute({
            sql: q.sql,
            params: q.params,
            settings,
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          })
          return toQueryResult(result, startedAt)
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
   * Drains and closes: new calls fail with `PoolClosedError`, running calls finish, transactions
   * left open are rolled back, then every connection is closed. Calling it again returns the same promise.
   *
   * @example
   * process.on('SIGTERM', () => void client.close())
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
      await Promise.allSettled([...this.#openTransactions].map((tx) => tx.rollback()))
      await this.#transport.close()
    })()
    return this.#closing
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
