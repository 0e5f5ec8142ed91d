import { ValidationError } from '../errors/client-errors.js'
import { TransactionAbortedError } from '../errors/query-errors.js'
import { isRedshiftError } from '../errors/redshift-error.js'
import type { StatementOutcome } from '../pipeline/statement-context.js'
import type { StatementExecutor } from '../pipeline/statement-executor.js'
import { type PreparedStatement, usableSpec } from '../query/prepared-statement.js'
import type { Query } from '../query/query.js'
import { sqlToSend, toQuery } from '../query/query.js'
import { type QueryResult, toQueryResult } from '../query/query-result.js'
import type { StatementSettings, TransportResult, TransportSession } from '../transport/transport.js'
import type { QueryParam } from '../types/value.js'

/**
 * Where a transaction is in its life.
 *
 * @example
 * const tx = await client.beginTransaction()
 * await tx.commit()
 * const state: TransactionState = tx.state // 'committed'
 */
export type TransactionState = 'open' | 'committed' | 'rolled-back'

/**
 * Options of one statement of a transaction.
 *
 * @example
 * await tx.query(q, { timeoutMs: 5_000, signal: controller.signal })
 */
export interface TransactionCallOptions {
  /** Cancels the statement when aborted (`QueryCancelledError`); the transaction is then failed. */
  readonly signal?: AbortSignal
  /** A timeout for this statement (`QueryTimeoutError`), overriding the query's and the client's default. */
  readonly timeoutMs?: number
  /** `false`: never retried (see the client's `CallOptions`). */
  readonly retry?: boolean | Readonly<Record<string, unknown>>
}

/** What a transaction needs from the client that began it. */
export interface TransactionHost {
  readonly execute: StatementExecutor
  /** The settings a query runs under (the call's, its own, else the client's defaults). */
  readonly settingsFor: (
    query: Pick<Query, 'timeoutMs' | 'queryGroup'>,
    call: TransactionCallOptions,
  ) => StatementSettings
  /** Called once when the transaction ends, whichever way (abandoned ones included). */
  readonly ended: (transaction: TransactionCore) => void
}

const NO_SETTINGS: StatementSettings = { timeoutMs: null, queryGroup: null }

const describe = (r: TransportResult): StatementOutcome => ({
  rowCount: r.rows.length,
  rowsAffected: r.rowsAffected,
  queryId: r.queryId,
})

/**
 * A transaction's session and state, apart from the {@link Transaction} object its caller holds:
 * the client keeps this (to roll back open transactions when it closes) without keeping the
 * caller's object alive, so a transaction its caller dropped is released when garbage-collected.
 */
export class TransactionCore {
  readonly session: TransportSession
  state: TransactionState = 'open'

  constructor(session: TransportSession) {
    this.session = session
  }

  /** Rolls back a transaction still open (when the client closes) and releases its session. */
  async rollback(): Promise<void> {
    if (this.state !== 'open') return
    this.state = 'rolled-back'
    let failure: unknown
    try {
      if (this.session.lost !== true) {
        await this.session.execute({ sql: 'ROLLBACK', params: [], settings: NO_SETTINGS })
      }
    } catch (error) {
      failure = error
    }
    this.session.release(failure)
  }

  /** Releases the session of a transaction nobody holds any more: discarded, so the server rolls it back. */
  abandon(host: TransactionHost): void {
    if (this.state !== 'open') return
    this.state = 'rolled-back'
    this.session.release(new Error('the transaction was abandoned without commit or rollback'))
    host.ended(this)
  }
}

/** Transactions dropped while open: their sessions go back (discarded) when they are collected. */
const abandoned = new FinalizationRegistry<{ core: TransactionCore; host: TransactionHost }>(
  ({ core, host }) => core.abandon(host),
)

/**
 * A transaction on one dedicated session, from `client.beginTransaction()` (or handed to the function
 * of `client.executeInTransaction()`). Its statements run one at a time, in call order, even when
 * called concurrently. Finish it with `commit()` or `rollback()`: its connection returns to the pool
 * only then, and never with the transaction open. A transaction dropped without either is rolled
 * back (its connection discarded) once garbage-collected, or when the client closes.
 *
 * @example
 * const tx = await client.beginTransaction()
 * try {
 *   await tx.query(new QueryBuilder('UPDATE accounts SET balance = balance - $1 WHERE id = $2').param(10).param(1).build())
 *   const moved = await tx.execute('UPDATE ledger SET settled = true WHERE settled = false')
 *   await tx.commit()
 * } catch (e) {
 *   await tx.rollback()
 *   throw e
 * }
 */
export class Transaction {
  readonly #core: TransactionCore
  readonly #host: TransactionHost
  #queue: Promise<unknown> = Promise.resolve()

  /** Use `client.beginTransaction()`; the session must already be inside `BEGIN`. */
  constructor(core: TransactionCore, host: TransactionHost) {
    this.#core = core
    this.#host = host
    abandoned.register(this, { core, host }, core)
  }

  /** `'open'`, `'committed'` or `'rolled-back'`. */
  get state(): TransactionState {
    return this.#core.state
  }

  /** The server session the transaction runs on (the backend pid on the wire). */
  get sessionId(): string {
    return this.#core.session.id
  }

  /**
   * Runs a statement inside the transaction.
   *
   * @example
   * const r = await tx.query(new QueryBuilder('SELECT quantity FROM inventory WHERE id = $1').param(7).build())
   */
  query(query: Query | string, options: TransactionCallOptions = {}): Promise<QueryResult> {
    const q = toQuery(query)
    return this.#serial(async () => {
      this.#assertOpen('query')
      const settings = this.#host.settingsFor(q, options)
      const session = this.#core.session
      const sql = sqlToSend(q)
      const startedAt = Date.now()
      const result = await this.#host.execute({
        operation: 'transaction',
        sql,
        params: q.params,
        settings,
        label: q.label,
        signal: options.signal,
        inTransaction: true,
        options,
        run: (call) =>
          session.execute({
            sql,
            params: q.params,
            settings,
            ...(call.signal === undefined ? {} : { signal: call.signal }),
            ...(call.deadline === undefined ? {} : { deadline: call.deadline }),
          }),
        describe,
      })
      return toQueryResult(result, startedAt)
    })
  }

  /**
   * Runs a prepared statement inside the transaction.
   *
   * @example
   * await tx.executePrepared(stmt, [42n])
   */
  executePrepared(
    statement: PreparedStatement,
    params: readonly QueryParam[] = [],
    options: TransactionCallOptions = {},
  ): Promise<QueryResult> {
    return this.#serial(async () => {
      const spec = usableSpec(statement)
      this.#assertOpen('execute a prepared statement')
      const settings = this.#host.settingsFor({}, options)
      const session = this.#core.session
      const startedAt = Date.now()
      const result = await this.#host.execute({
        operation: 'transaction',
        sql: spec.sql,
        params,
        settings,
        signal: options.signal,
        inTransaction: true,
        options,
        run: (call) => session.executePrepared(spec, params, settings, call),
        describe,
      })
      return toQueryResult(result, startedAt)
    })
  }

  /**
   * Runs a statement inside the transaction and returns the number of rows it affected.
   *
   * @example
   * const deleted = await tx.execute('DELETE FROM staging WHERE loaded = true')
   */
  async execute(statement: string | Query, options: TransactionCallOptions = {}): Promise<number> {
    return (await this.query(statement, options)).rowsAffected
  }

  /**
   * Commits. If the transaction had already failed, the server rolls it back instead, and this
   * throws a `TransactionAbortedError` (the changes are gone). The session is released either way.
   */
  commit(): Promise<void> {
    return this.#serial(() => this.#finish('COMMIT'))
  }

  /**
   * Rolls back and releases the session. It always resolves once the transaction is over: calling
   * it on a finished transaction does nothing, and when the connection was lost (before or during
   * the ROLLBACK) the server has already rolled the transaction back, so it resolves too.
   */
  rollback(): Promise<void> {
    return this.#serial(async () => {
      if (this.#core.state !== 'open') return
      await this.#finish('ROLLBACK')
    })
  }

  async #finish(command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.#assertOpen(command === 'COMMIT' ? 'commit' : 'rollback')
    const core = this.#core
    const session = core.session
    let failure: unknown
    if (command === 'ROLLBACK' && session.lost === true) {
      // Nothing to send: a session that is gone took its transaction with it.
    } else {
      try {
        const result = await this.#host.execute({
          operation: 'transaction',
          sql: command,
          settings: NO_SETTINGS,
          inTransaction: true,
          run: (call) => session.execute({ sql: command, params: [], settings: NO_SETTINGS, ...call }),
          describe,
        })
        if (command === 'COMMIT' && result.command === 'ROLLBACK') {
          failure = new TransactionAbortedError(
            'the transaction had failed, so COMMIT rolled it back: none of its changes were kept',
          )
        }
      } catch (error) {
        failure = error
      }
    }
    core.state = command === 'COMMIT' && failure === undefined ? 'committed' : 'rolled-back'
    abandoned.unregister(core)
    // A session still inside a transaction block (COMMIT/ROLLBACK itself failed) is discarded by the pool.
    session.release(failure)
    this.#host.ended(core)
    if (failure === undefined) return
    if (command === 'ROLLBACK' && isConnectionGone(failure)) return
    throw failure
  }

  #assertOpen(action: string): void {
    if (this.#core.state !== 'open') {
      throw new ValidationError(`cannot ${action}: the transaction is already ${this.#core.state}`, {
        problems: [
          { field: 'transaction', message: 'begin a new transaction with client.beginTransaction()' },
        ],
      })
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work)
    this.#queue = next.catch(() => undefined)
    return next
  }
}

function isConnectionGone(error: unknown): boolean {
  return isRedshiftError(error) && (error.code === 'CONNECTION_LOST' || error.code === 'CONNECTION_FAILED')
}

/**
 * The transaction handed to the function of `executeInTransaction` (the same object as `beginTransaction` returns).
 *
 * @example
 * const transfer = async (tx: TransactionContext) => tx.execute('UPDATE accounts SET balance = balance - 10 WHERE id = 1')
 * await client.executeInTransaction(transfer)
 */
export type TransactionContext = Transaction
