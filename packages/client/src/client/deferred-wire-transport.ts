import type { RedshiftConfigData } from '../config/resolve-config.js'
import type { CredentialsProvider } from '../credentials/credentials-provider.js'
import { UnsupportedError } from '../errors/client-errors.js'
import { PoolClosedError } from '../errors/connection-errors.js'
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

/**
 * A wire transport whose endpoint is learnt on first use: a Secrets Manager secret names the host,
 * port and database, and reading it is an AWS call that `createClient` (synchronous) cannot make.
 * The first operation reads the secret and creates the real transport; every operation then goes to it.
 */
export class DeferredWireTransport implements Transport {
  readonly name = 'wire'
  readonly capabilities = WIRE_CAPABILITIES
  readonly #config: RedshiftConfigData
  readonly #provider: CredentialsProvider
  readonly #create: () => Promise<Transport>
  #inner: Transport | undefined
  #creating: Promise<Transport> | undefined
  #closed = false

  constructor(config: RedshiftConfigData, provider: CredentialsProvider, create: () => Promise<Transport>) {
    this.#config = config
    this.#provider = provider
    this.#create = create
  }

  async #ready(): Promise<Transport> {
    if (this.#closed) throw new PoolClosedError('the connection pool is closed; create a new client')
    if (this.#inner !== undefined) return this.#inner
    this.#creating ??= this.#create().then(
      (transport) => {
        this.#inner = transport
        return transport
      },
      (error: unknown) => {
        // Nothing was created: the next operation tries again (the secret may be readable by then).
        this.#creating = undefined
        throw error
      },
    )
    return this.#creating
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    return (await this.#ready()).execute(statement)
  }

  async prepare(prepared: PreparedStatementSpec, signal?: AbortSignal): Promise<readonly ColumnMetadata[]> {
    return (await this.#ready()).prepare(prepared, signal)
  }

  async executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
  ): Promise<TransportResult> {
    return (await this.#ready()).executePrepared(prepared, params, settings, signal)
  }

  async deallocate(prepared: PreparedStatementSpec): Promise<void> {
    // Nothing was prepared before the transport existed.
    if (this.#inner !== undefined) await this.#inner.deallocate(prepared)
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    return (await this.#ready()).openSession(signal)
  }

  async openCursor(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor> {
    const inner = await this.#ready()
    if (inner.openCursor === undefined) throw new UnsupportedError('this transport has no cursors')
    return inner.openCursor(statement, options)
  }

  async cancel(sessionId: string): Promise<boolean> {
    return this.#inner === undefined ? false : this.#inner.cancel(sessionId)
  }

  stats(): PoolStats {
    if (this.#inner !== undefined) return this.#inner.stats()
    return poolStatsWith({
      max: this.#config.poolSize,
      min: this.#config.minConnections,
      closed: this.#closed,
    })
  }

  async diagnostics(): Promise<TransportDiagnostics> {
    try {
      return await (await this.#ready()).diagnostics()
    } catch {
      // The secret could not be read: report what is known (the failure shows in recent errors).
      return {
        transport: 'wire',
        endpoint: { host: '', port: this.#config.endpoint.port, database: this.#config.endpoint.database },
        serverVersion: null,
        serverVersionText: null,
        tls: { enabled: this.#config.sslMode !== 'disable', mode: this.#config.sslMode },
        authMethod: this.#provider.method,
        user: null,
        credentials: this.#provider.status(),
      } as TransportDiagnostics
    }
  }

  destroy(reason: unknown): void {
    this.#inner?.destroy?.(reason)
  }

  async close(): Promise<void> {
    this.#closed = true
    const inner = this.#inner ?? (await this.#creating?.catch(() => undefined))
    await inner?.close()
    this.#provider.close?.()
  }
}
