import { type PoolStats, poolStatsWith } from '../../transport/pool-stats.js'
import {
  type PreparedStatementSpec,
  type StatementSettings,
  type Transport,
  type TransportCapabilities,
  type TransportCursor,
  type TransportCursorOptions,
  type TransportDiagnostics,
  type TransportResult,
  type TransportSession,
  type TransportStatement,
  WIRE_CAPABILITIES,
} from '../../transport/transport.js'
import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { QueryParam } from '../../types/value.js'
import { MockCursor } from '../mock-cursor.js'
import { delegatingCursor } from './delegating-cursor.js'
import { decodeError } from './error-codec.js'
import type { QueryReplayer } from './query-replayer.js'
import { decodeColumn, decodeResult, type RecordedExchange, type RecordedOp } from './recording-format.js'

// A recording holds no running statement to cancel.
const CAPABILITIES: TransportCapabilities = Object.freeze({ ...WIRE_CAPABILITIES, cancel: false })

/** A transport that answers every operation from a recording, and fails on what it does not hold. */
export class ReplayTransport implements Transport {
  readonly name = 'replay'
  readonly capabilities = CAPABILITIES
  readonly #replayer: QueryReplayer
  #sessions = 0
  #lent = 0
  #closed = false

  constructor(replayer: QueryReplayer) {
    this.#replayer = replayer
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    return this.#answer('execute', statement.sql, statement.params)
  }

  async prepare(prepared: PreparedStatementSpec): Promise<readonly ColumnMetadata[]> {
    const exchange = this.#take('prepare', prepared.sql, [])
    return (exchange.columns ?? []).map(decodeColumn)
  }

  async executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
  ): Promise<TransportResult> {
    return this.#answer('execute-prepared', prepared.sql, params)
  }

  async deallocate(): Promise<void> {
    // Nothing was parsed.
  }

  async openSession(): Promise<TransportSession> {
    const id = String(++this.#sessions)
    let inTransaction = false
    let released = false
    this.#lent++
    const run = async (op: RecordedOp, sql: string, params: readonly QueryParam[]) => {
      const result = await this.#answer(op, sql, params)
      const verb = result.command.toUpperCase()
      if (verb === 'BEGIN' || verb === 'START') inTransaction = true
      else if (verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'END' || verb === 'ABORT')
        inTransaction = false
      return result
    }
    return {
      id,
      get inTransaction() {
        return inTransaction
      },
      execute: (statement: TransportStatement) => run('execute', statement.sql, statement.params),
      executePrepared: (
        prepared: PreparedStatementSpec,
        params: readonly QueryParam[],
        _settings: StatementSettings,
      ) => run('execute-prepared', prepared.sql, params),
      release: () => {
        if (released) return
        released = true
        this.#lent--
      },
    }
  }

  async openCursor(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor> {
    const exchange = this.#take('cursor', statement.sql, statement.params)
    const recorded = exchange.result === undefined ? undefined : decodeResult(exchange.result)
    if (recorded === undefined)
      throw decodeError(exchange.error ?? { name: 'Error', message: 'the recorded stream has no result' })
    this.#lent++
    const id = String(++this.#sessions)
    const cursor = new MockCursor(id, recorded, {
      fetchSize: options.fetchSize,
      signal: options.signal,
      onClose: () => this.#lent--,
    })
    const replayer = this.#replayer
    let delivered = 0
    // A stream that was closed early (or failed) when recorded holds only the rows read then.
    return delegatingCursor(cursor, {
      async next() {
        const batch = await cursor.next()
        if (batch !== null) delivered += batch.length
        if (batch === null && exchange.complete !== true) {
          if (exchange.error !== undefined) throw decodeError(exchange.error)
          throw replayer.missing(
            'cursor',
            `${statement.sql} (rows past the ${delivered} recorded)`,
            statement.params,
          )
        }
        return batch
      },
    })
  }

  async cancel(): Promise<boolean> {
    return false
  }

  stats(): PoolStats {
    return poolStatsWith({
      total: this.#lent,
      active: this.#lent,
      acquiredTotal: this.#sessions,
      createdTotal: this.#sessions,
      closed: this.#closed,
    })
  }

  async diagnostics(): Promise<TransportDiagnostics> {
    return {
      transport: 'replay',
      endpoint: { host: 'replay', port: 0, database: '' },
      serverVersion: null,
      serverVersionText: null,
      tls: { enabled: false, mode: 'disable' },
      authMethod: 'replay',
      user: null,
    }
  }

  async close(): Promise<void> {
    this.#closed = true
  }

  #take(op: RecordedOp, sql: string, params: readonly QueryParam[]): RecordedExchange {
    const exchange = this.#replayer.take([op], sql, params)
    if (exchange === undefined) throw this.#replayer.missing(op, sql, params)
    return exchange
  }

  async #answer(op: RecordedOp, sql: string, params: readonly QueryParam[]): Promise<TransportResult> {
    const exchange = this.#take(op, sql, params)
    if (exchange.error !== undefined) throw decodeError(exchange.error)
    if (exchange.result === undefined) throw this.#replayer.missing(op, sql, params)
    return decodeResult(exchange.result)
  }
}
