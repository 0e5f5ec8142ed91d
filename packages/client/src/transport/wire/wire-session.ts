import type { QueryParam } from '../../types/value.js'
import type {
  PreparedStatementSpec,
  StatementSettings,
  TransportCall,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../transport.js'
import { cancelRunning, guardCall } from './cursor-cancel-request.js'
import type { PoolLease } from './pool.js'
import type { WireConnection } from './wire-connection.js'
import { isFatalForConnection, type RunnerContext, runOnConnection } from './wire-statement-runner.js'

/**
 * A pooled wire connection lent as a dedicated session. A failure that breaks the connection is
 * remembered, so releasing the session evicts it even when the caller passes no error; the pool
 * itself refuses a connection with a transaction still open.
 */
export class WireSession implements TransportSession {
  readonly #lease: PoolLease<WireConnection>
  readonly #context: RunnerContext
  #fatal: unknown

  constructor(lease: PoolLease<WireConnection>, context: RunnerContext) {
    this.#lease = lease
    this.#context = context
  }

  get id(): string {
    return String(this.#lease.connection.pid)
  }

  get inTransaction(): boolean {
    return this.#lease.connection.inTransaction
  }

  /** Whether the connection is gone (lost, or dropped after a deadline). */
  get lost(): boolean {
    return this.#lease.connection.broken
  }

  execute(statement: TransportStatement): Promise<TransportResult> {
    const c = this.#lease.connection
    return this.#guard(
      guardCall(c, statement, () =>
        runOnConnection(c, this.#context, statement.sql, statement.params, statement.settings),
      ),
    )
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    call: TransportCall = {},
  ): Promise<TransportResult> {
    const c = this.#lease.connection
    return this.#guard(
      guardCall(c, call, () => runOnConnection(c, this.#context, prepared.sql, params, settings, prepared)),
    )
  }

  /** Cancels what the session runs now with a CancelRequest (its own backend key: no privilege needed). */
  cancel(): Promise<boolean> {
    return cancelRunning(this.#lease.connection)
  }

  release(error?: unknown): void {
    const reason = error ?? this.#fatal
    this.#lease.release(
      reason !== undefined && isFatalForConnection(reason, this.#lease.connection) ? reason : undefined,
    )
  }

  async #guard(running: Promise<TransportResult>): Promise<TransportResult> {
    try {
      return await running
    } catch (error) {
      if (isFatalForConnection(error, this.#lease.connection)) this.#fatal = error
      throw error
    }
  }
}
