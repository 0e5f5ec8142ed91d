import { classifyError } from '../../errors/classify.js'
import type { RedshiftError } from '../../errors/redshift-error.js'
import { ColumnMetadata } from '../../query/column-metadata.js'
import type { QueryParam } from '../../types/value.js'
import type { PoolStats } from '../pool-stats.js'
import type {
  PreparedStatementSpec,
  StatementSettings,
  Transport,
  TransportCapabilities,
  TransportDiagnostics,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../transport.js'
import { Pool, type PoolLease } from './pool.js'
import type { WireTls } from './tls-options.js'
import { type TypeParserSource, WireConnection } from './wire-connection.js'
import { WireSession } from './wire-session.js'
import {
  classifyWireError,
  isFatalForConnection,
  MANAGED_SETTINGS,
  type RunnerContext,
  runOnConnection,
} from './wire-statement-runner.js'

/** A database user and password for one connection (IAM passwords change: asked per connection). */
export interface WireCredentials {
  readonly user: string
  readonly password: string
}

/** Everything the wire transport needs; `RedshiftClient` builds it from a `RedshiftConfig`. */
export interface WireTransportOptions {
  readonly host: string
  readonly port: number
  readonly database: string
  /** Called for every new connection, so expiring credentials are refreshed by their provider. */
  readonly credentials: () => Promise<WireCredentials>
  /** How the credentials were obtained, for diagnostics: `'password'`, `'iam'`, `'secrets-manager'`. */
  readonly authMethod: string
  /** TLS of the sockets (see `wireTls`). */
  readonly tls: WireTls
  /** The configured `sslmode`, for diagnostics. */
  readonly sslMode: string
  readonly connectTimeoutMs: number
  readonly pool: {
    readonly max: number
    readonly min: number
    readonly acquireTimeoutMs: number
    readonly idleTimeoutMs: number
    readonly maxLifetimeMs: number
    /** @default 30000 */
    readonly validateAfterIdleMs?: number
  }
  /** The client's own type parsers (pg's global ones are never touched). */
  readonly types: TypeParserSource
  /** @default 'redshift-kit' */
  readonly applicationName?: string
  /** @default 60000 */
  readonly keepAliveInitialDelayMs?: number
  /** Failures nobody awaits: background connects, connections dying while idle. */
  readonly onError?: (error: RedshiftError) => void
}

const CAPABILITIES: TransportCapabilities = Object.freeze({
  sessions: true,
  preparedStatements: true,
  cancel: true,
  cursors: true,
})

/**
 * The PostgreSQL wire protocol transport (`pg`), over its own pool. Every statement goes out with the
 * session settings it needs (only those that differ) and `pg_last_query_id()` in one round trip.
 */
export class WireTransport implements Transport {
  readonly name = 'wire'
  readonly capabilities = CAPABILITIES
  readonly #options: WireTransportOptions
  readonly #pool: Pool<WireConnection>
  /** Server names of deallocated statements, in order; each connection works through the new ones. */
  readonly #retired: string[] = []
  readonly #retiredSeen = new WeakMap<WireConnection, number>()
  #queryIdProbe: Promise<boolean> | undefined
  #fetchQueryId = false
  #serverVersion: string | null = null
  #serverVersionText: string | null = null
  #user: string | null = null
  /** Set once a `prefer` server refused TLS: later connections skip the attempt. */
  #plain = false
  readonly #context: RunnerContext

  constructor(options: WireTransportOptions) {
    this.#options = options
    const onError = (error: unknown): void =>
      options.onError?.(classifyError(error, { metadata: { transport: 'wire' } }))
    this.#pool = new Pool<WireConnection>(
      {
        create: (onBroken) => this.#open(onBroken),
        destroy: (connection) => connection.close(),
        validate: (connection) => connection.validate(),
        reusable: (connection) => !connection.broken && !connection.inTransaction,
      },
      {
        max: options.pool.max,
        min: options.pool.min,
        acquireTimeoutMs: options.pool.acquireTimeoutMs,
        idleTimeoutMs: options.pool.idleTimeoutMs,
        maxLifetimeMs: options.pool.maxLifetimeMs,
        ...(options.pool.validateAfterIdleMs === undefined
          ? {}
          : { validateAfterIdleMs: options.pool.validateAfterIdleMs }),
        onError,
      },
    )
    const transport = this
    this.#context = {
      get fetchQueryId() {
        return transport.#fetchQueryId
      },
      retireOn: (connection) => this.#retireOn(connection),
    }
  }

  execute(statement: TransportStatement): Promise<TransportResult> {
    return this.#withConnection(statement.signal, (c) =>
      runOnConnection(c, this.#context, statement.sql, statement.params, statement.settings),
    )
  }

  prepare(prepared: PreparedStatementSpec, signal?: AbortSignal): Promise<readonly ColumnMetadata[]> {
    return this.#withConnection(signal, async (c) => {
      this.#retireOn(c)
      const startedAt = Date.now()
      try {
        const fields = await c.describe(prepared.serverName, prepared.sql)
        return fields.map((f) => ColumnMetadata.fromWire(f.name, f.dataTypeID, f.dataTypeModifier))
      } catch (error) {
        throw classifyWireError(error, c, prepared.sql, undefined, startedAt)
      }
    })
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
  ): Promise<TransportResult> {
    return this.#withConnection(signal, (c) =>
      runOnConnection(c, this.#context, prepared.sql, params, settings, prepared),
    )
  }

  async deallocate(prepared: PreparedStatementSpec): Promise<void> {
    // Each connection that parsed it drops it before its next statement (in the same round trip).
    this.#retired.push(prepared.serverName)
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    return new WireSession(await this.#acquire(signal), this.#context)
  }

  async cancel(sessionId: string): Promise<boolean> {
    const pid = Number(sessionId)
    if (!Number.isSafeInteger(pid) || pid <= 0) return false
    const result = await this.#withConnection(undefined, (c) =>
      runOnConnection(c, this.#context, 'SELECT pg_cancel_backend($1)', [pid], {
        timeoutMs: null,
        queryGroup: null,
      }),
    )
    return result.rows[0]?.[0] === true
  }

  stats(): PoolStats {
    return this.#pool.stats()
  }

  async diagnostics(): Promise<TransportDiagnostics> {
    if (this.#serverVersionText === null && !this.#pool.stats().closed) {
      try {
        const result = await this.execute({
          sql: 'SELECT version()',
          params: [],
          settings: { timeoutMs: null, queryGroup: null },
        })
        const text = result.rows[0]?.[0]
        this.#serverVersionText = typeof text === 'string' ? text : null
      } catch {
        // Diagnostics report what they can; the failure shows in the client's recent errors.
      }
    }
    return {
      transport: 'wire',
      endpoint: { host: this.#options.host, port: this.#options.port, database: this.#options.database },
      serverVersion: this.#serverVersion,
      serverVersionText: this.#serverVersionText,
      tls: { enabled: this.#options.tls.ssl !== false && !this.#plain, mode: this.#options.sslMode },
      authMethod: this.#options.authMethod,
      user: this.#user,
    }
  }

  close(): Promise<void> {
    return this.#pool.close()
  }

  async #open(onBroken: (error: unknown) => void): Promise<WireConnection> {
    let connection: WireConnection
    try {
      const credentials = await this.#options.credentials()
      this.#user = credentials.user
      const open = (ssl: WireTls['ssl']) =>
        WireConnection.open(
          {
            host: this.#options.host,
            port: this.#options.port,
            database: this.#options.database,
            user: credentials.user,
            password: credentials.password,
            ssl,
            connectTimeoutMs: this.#options.connectTimeoutMs,
            keepAliveInitialDelayMs: this.#options.keepAliveInitialDelayMs ?? 60_000,
            applicationName: this.#options.applicationName ?? 'redshift-kit',
            types: this.#options.types,
            managedSettings: MANAGED_SETTINGS,
          },
          onBroken,
        )
      const { ssl, fallbackToPlain } = this.#options.tls
      try {
        connection = await open(this.#plain ? false : ssl)
      } catch (error) {
        if (
          !fallbackToPlain ||
          this.#plain ||
          !/does not support SSL/i.test(String((error as Error)?.message))
        ) {
          throw error
        }
        this.#plain = true
        connection = await open(false)
      }
    } catch (error) {
      throw classifyError(error, { operation: 'connect', metadata: { transport: 'wire' } })
    }
    this.#serverVersion = connection.parameters.get('server_version') ?? this.#serverVersion
    // Whether the server has pg_last_query_id() (Redshift and the local Redshift do; plain PostgreSQL
    // does not): probed once, on the first connection, outside any transaction, since a failing probe
    // inside one would abort it.
    this.#queryIdProbe ??= connection.simple('SELECT pg_last_query_id()').then(
      () => true,
      () => false,
    )
    this.#fetchQueryId = await this.#queryIdProbe
    this.#retiredSeen.set(connection, this.#retired.length)
    return connection
  }

  #retireOn(connection: WireConnection): void {
    const seen = this.#retiredSeen.get(connection) ?? 0
    for (let i = seen; i < this.#retired.length; i++) connection.retire(this.#retired[i] as string)
    this.#retiredSeen.set(connection, this.#retired.length)
  }

  /** Acquires a live connection: one found dead on the way out of the pool is evicted, not used. */
  async #acquire(signal: AbortSignal | undefined): Promise<PoolLease<WireConnection>> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.#pool.acquire(signal)
      if (!lease.connection.broken || attempt >= this.#options.pool.max) return lease
      lease.release(new Error('connection found broken when acquired'))
    }
  }

  async #withConnection<T>(
    signal: AbortSignal | undefined,
    work: (c: WireConnection) => Promise<T>,
  ): Promise<T> {
    const lease = await this.#acquire(signal)
    try {
      const result = await work(lease.connection)
      lease.release()
      return result
    } catch (error) {
      lease.release(isFatalForConnection(error, lease.connection) ? error : undefined)
      throw error
    }
  }
}
