import { ValidationError } from '../errors/client-errors.js'
import { PoolClosedError } from '../errors/connection-errors.js'
import { QueryCancelledError } from '../errors/query-errors.js'
import { type PoolStats, poolStatsWith } from '../transport/pool-stats.js'
import {
  type PreparedStatementSpec,
  type StatementSettings,
  type Transport,
  type TransportCursor,
  type TransportCursorOptions,
  type TransportDiagnostics,
  type TransportResult,
  type TransportSession,
  type TransportStatement,
  WIRE_CAPABILITIES,
} from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryParam } from '../types/value.js'
import { MockCursor } from './mock-cursor.js'
import type { MockServer, MockSessionState } from './mock-server.js'

/** Where the mock says it is, for diagnostics. */
export interface MockEndpoint {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly poolSize: number
  readonly minConnections: number
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new QueryCancelledError('the call was cancelled by its signal', {
      cause: signal.reason,
      metadata: { transport: 'mock' },
    })
  }
}

/** A session lent by the mock: a transaction, an async query, a COPY and its follow-up reads. */
class MockSession implements TransportSession {
  readonly #server: MockServer
  readonly #state: MockSessionState
  readonly #released: (session: MockSession) => void
  #done = false

  constructor(server: MockServer, state: MockSessionState, released: (session: MockSession) => void) {
    this.#server = server
    this.#state = state
    this.#released = released
  }

  get id(): string {
    return this.#state.id
  }

  get inTransaction(): boolean {
    return this.#state.inTransaction
  }

  execute(statement: TransportStatement): Promise<TransportResult> {
    this.#assertHeld()
    return this.#server.run('query', statement, this.#state)
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
  ): Promise<TransportResult> {
    this.#assertHeld()
    return this.#server.run('execute-prepared', { sql: prepared.sql, params, settings }, this.#state)
  }

  async cancel(): Promise<boolean> {
    return this.#server.cancel(this.#state.id)
  }

  release(): void {
    if (this.#done) return
    this.#done = true
    this.#released(this)
    void this.#server.closeSession(this.#state)
  }

  #assertHeld(): void {
    if (this.#done) {
      throw new ValidationError('this session was released', {
        problems: [{ field: 'session', message: 'open a new one with openSession()' }],
      })
    }
  }
}

/**
 * The transport of `MockRedshiftClient`: the real client's operations, over the {@link MockServer}
 * instead of a network. It has every capability of the wire transport (sessions, prepared
 * statements, cancel, cursors), so every client method works over it.
 */
export class MockTransport implements Transport {
  readonly name = 'mock'
  readonly capabilities = WIRE_CAPABILITIES
  readonly #server: MockServer
  readonly #endpoint: MockEndpoint
  readonly #lent = new Set<MockSession | MockCursor>()
  #running = 0
  #peak = 0
  #acquired = 0
  #closed = false

  constructor(server: MockServer, endpoint: MockEndpoint) {
    this.#server = server
    this.#endpoint = endpoint
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    return this.#autocommit(statement.signal, (state) => this.#server.run('query', statement, state))
  }

  async prepare(prepared: PreparedStatementSpec, signal?: AbortSignal): Promise<readonly ColumnMetadata[]> {
    return this.#autocommit(signal, (state) => this.#server.prepare(prepared.sql, state))
  }

  async executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
  ): Promise<TransportResult> {
    return this.#autocommit(signal, (state) =>
      this.#server.run('execute-prepared', { sql: prepared.sql, params, settings, signal }, state),
    )
  }

  async deallocate(): Promise<void> {
    // Statements are answered per execution; there is no parse to drop.
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    this.#assertOpen()
    aborted(signal)
    const session = new MockSession(this.#server, this.#server.openSession(false), (s) => this.#return(s))
    this.#lend(session)
    return session
  }

  async openCursor(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor> {
    this.#assertOpen()
    aborted(options.signal)
    const state = this.#server.openSession(false)
    let cursor: MockCursor | undefined
    try {
      const result = await this.#server.run('cursor', statement, state)
      cursor = new MockCursor(state.id, result, {
        fetchSize: options.fetchSize,
        signal: options.signal,
        onClose: () => {
          this.#return(cursor as MockCursor)
          void this.#server.closeSession(state)
        },
      })
      this.#lend(cursor)
      return cursor
    } finally {
      if (cursor === undefined) await this.#server.closeSession(state)
    }
  }

  async cancel(sessionId: string): Promise<boolean> {
    return this.#server.cancel(sessionId)
  }

  stats(): PoolStats {
    const active = this.#lent.size + this.#running
    const total = Math.max(active, this.#closed ? 0 : Math.min(this.#peak, this.#endpoint.poolSize))
    return poolStatsWith({
      total,
      idle: total - active,
      active,
      max: this.#endpoint.poolSize,
      min: this.#endpoint.minConnections,
      acquiredTotal: this.#acquired,
      createdTotal: this.#peak,
      destroyedTotal: this.#closed ? this.#peak : 0,
      closed: this.#closed,
    })
  }

  async diagnostics(): Promise<TransportDiagnostics> {
    return {
      transport: 'mock',
      endpoint: { host: this.#endpoint.host, port: this.#endpoint.port, database: this.#endpoint.database },
      serverVersion: '8.0.2',
      serverVersionText:
        'PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift (redshift-kit mock)',
      tls: { enabled: false, mode: 'disable' },
      authMethod: 'mock',
      user: 'mock',
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#server.close()
  }

  async #autocommit<T>(
    signal: AbortSignal | undefined,
    work: (state: MockSessionState) => Promise<T>,
  ): Promise<T> {
    this.#assertOpen()
    aborted(signal)
    const state = this.#server.openSession(true)
    this.#running++
    this.#acquired++
    this.#peak = Math.max(this.#peak, this.#lent.size + this.#running)
    try {
      return await work(state)
    } finally {
      this.#running--
      await this.#server.closeSession(state)
    }
  }

  #lend(item: MockSession | MockCursor): void {
    this.#lent.add(item)
    this.#acquired++
    this.#peak = Math.max(this.#peak, this.#lent.size + this.#running)
  }

  #return(item: MockSession | MockCursor): void {
    this.#lent.delete(item)
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new PoolClosedError('the mock client is closed; create a new MockRedshiftClient', {
        metadata: { transport: 'mock' },
      })
  }
}
