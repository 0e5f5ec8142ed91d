import { ValidationError } from '../errors/client-errors.js'
import { TransactionAbortedError } from '../errors/query-errors.js'
import type { OperationRunner } from '../pipeline/pipeline.js'
import { type PreparedStatement, usableSpec } from '../query/prepared-statement.js'
import type { Query } from '../query/query.js'
import { toQuery } from '../query/query.js'
import { type QueryResult, toQueryResult } from '../query/query-result.js'
import type { StatementSettings, TransportSession } from '../transport/transport.js'
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

/** What a transaction needs from the client that began it. */
export interface TransactionHost {
  readonly run: OperationRunner
  /** The settings a query runs under (its own, else the client's defaults). */
  readonly settingsFor: (query: Pick<Query, 'timeoutMs' | 'queryGroup'>) => StatementSettings
  /** Called once when the transaction ends, whichever way. */
  readonly ended: (transaction: Transaction) => void
}

const NO_SETTINGS: StatementSettings = { timeoutMs: null, queryGroup: null }

/**
 * A transaction on one dedicated session, from `client.beginTransaction()` (or handed to the function
 * of `client.executeInTransaction()`). Its statements run one at a time, in call order, even when
 * called concurrently. Finish it with `commit()` or `rollback()`: its connection returns to the pool
 * only then, and never with the transaction open.
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
  readonly #session: TransportSession
  readonly #host: TransactionHost
  #state: TransactionState = 'open'
  #queue: Promise<unknown> = Promise.resolve()

  /** Use `client.beginTransaction()`; the session must already be inside `BEGIN`. */
  constructor(session: TransportSession, host: TransactionHost) {
    this.#session = session
    this.#host = host
  }

  /** `'open'`, `'committed'` or `'rolled-back'`. */
  get state(): TransactionState {
    return this.#state
  }

  /** The server session the transaction runs on (the backend pid on the wire). */
  get sessionId(): string {
    return this.#session.id
  }

  /**
   * Runs a statement inside the transaction.
   *
   * @example
   * const r = await tx.query(new QueryBuilder('SELECT quantity FROM inventory WHERE id = $1').param(7).build())
   */
  query(query: Query | string): Promise<QueryResult> {
    const q = toQuery(query)
    return this.#serial(() =>
      this.#host.run({
        kind: 'query',
        sql: q.sql,
        run: async () => {
          this.#assertOpen('query')
          const startedAt = Date.now()
          const result = await this.#session.execute({
            sql: q.sql,
            params: q.params,
            settings: this.#host.settingsFor(q),
          })
          return toQueryResult(result, startedAt)
        },
      }),
    )
  }

  /**
   * Runs a prepared statement inside the transaction.
   *
   * @example
   * await tx.executePrepared(stmt, [42n])
   */
  executePrepared(statement: PreparedStatement, params: readonly QueryParam[] = []): Promise<QueryResult> {
    return this.#serial(() => {
      const spec = usableSpec(statement)
      return this.#host.run({
        kind: 'execute-prepared',
        sql: spec.sql,
        run: async () => {
          this.#assertOpen('execute a prepared statement')
          const startedAt = Date.now()
          const result = await this.#session.executePrepared(spec, params, this.#host.settingsFor({}))
          return toQueryResult(result, startedAt)
        },
      })
    })
  }

  /**
   * Runs a statement inside the transaction and returns the number of rows it affected.
   *
   * @example
   * const deleted = await tx.execute('DELETE FROM staging WHERE loaded = true')
   */
  async execute(statement: string | Query): Promise<number> {
    return (await this.query(statement)).rowsAffected
  }

  /**
   * Commits. If the transaction had already failed, the server rolls it back instead, and this
   * throws a `TransactionAbortedError` (the changes are gone). The session is released either way.
   */
  commit(): Promise<void> {
    return this.#serial(() => this.#finish('COMMIT'))
  }

  /** Rolls back and releases the session. Calling it on a finished transaction does nothing. */
  rollback(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== 'open') return
      await this.#finish('ROLLBACK')
    })
  }

  async #finish(command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.#assertOpen(command === 'COMMIT' ? 'commit' : 'rollback')
    let failure: unknown
    try {
      const result = await this.#host.run({
        kind: command === 'COMMIT' ? 'commit' : 'rollback',
        sql: command,
        run: () => this.#session.execute({ sql: command, params: [], settings: NO_SETTINGS }),
      })
      if (command === 'COMMIT' && result.command === 'ROLLBACK') {
        failure = new TransactionAbortedError(
          'the transaction had failed, so COMMIT rolled it back: none of its changes were kept',
        )
      }
    } catch (error) {
      failure = error
    }
    this.#state = command === 'COMMIT' && failure === undefined ? 'committed' : 'rolled-back'
    // A session still inside a transaction block (COMMIT/ROLLBACK itself failed) is discarded by the pool.
    this.#session.release(failure)
    this.#host.ended(this)
    if (failure !== undefined) throw failure
  }

  #assertOpen(action: string): void {
    if (this.#state !== 'open') {
      throw new ValidationError(`cannot ${action}: the transaction is already ${this.#state}`, {
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

/**
 * The transaction handed to the function of `executeInTransaction` (the same object as `beginTransaction` returns).
 *
 * @example
 * const transfer = async (tx: TransactionContext) => tx.execute('UPDATE accounts SET balance = balance - 10 WHERE id = 1')
 * await client.executeInTransaction(transfer)
 */
export type TransactionContext = Transaction
