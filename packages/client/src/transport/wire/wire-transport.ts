import { classifyError } from '../../errors/classify.js'
import { isRedshiftError, type RedshiftError } from '../../errors/redshift-error.js'
import { ColumnMetadata } from '../../types/column-metadata.js'
import type { QueryParam } from '../../types/value.js'
import type { PoolStats } from '../pool-stats.js'
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
} from '../transport.js'
import type { TransportObserver } from '../transport-observer.js'
import { guardCall } from './cursor-cancel-request.js'
import { WireCursor } from './cursor-portal.js'
import { Pool, type PoolLease, type ShareRequest } from './pool.js'
import { StatementTraitsCache } from './statement-traits.js'
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
  /** When the password stops working (IAM): connections opened with it are not used past this. */
  readonly expiresAt?: Date
}

/** Everything the wire transport needs; `RedshiftClient` builds it from a `RedshiftConfig`. */
export interface WireTransportOptions {
  readonly host: string
  readonly port: number
  readonly database: string
  /** Called for every new connection, so expiring credentials are refreshed by their provider. */
  readonly credentials: () => Promise<WireCredentials>
  /**
   * A login with `credentials` was refused (SQLSTATE 28000/28P01: an expired temporary password, a
   * rotated secret). Returns true when the provider dropped them, so one retry with fresh ones may work.
   */
  readonly credentialsRejected?: (credentials: WireCredentials) => boolean
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
    /**
     * How many autocommit statements one connection may have in flight at once (pipelined, each
     * with its own Sync) once every connection is busy; 1 gives each statement a connection of its
     * own. Only single SELECT/INSERT/UPDATE/DELETE-like statements that want the same session
     * settings share a connection; transactions and sessions always get one of their own.
     * @default 4
     */
    readonly pipelineDepth?: number
  }
  /**
   * Statements parsed once per connection under a generated name (see `WireConnectionOptions`);
   * `capacity` 0 turns that off. @default { capacity: 100, threshold: 2 }
   */
  readonly statementCache?: { readonly capacity: number; readonly threshold: number }
  /** The client's own type parsers (pg's global ones are never touched). */
  readonly types: TypeParserSource
  /** @default 'redshift-kit' */
  readonly applicationName?: string
  /** Delay before the first TCP keepalive probe; 0 turns keepalive off. @default 60000 */
  readonly keepAliveInitialDelayMs?: number
  /** A statement that receives nothing for this long drops its connection; 0: never. @default 0 */
  readonly readTimeoutMs?: number
  /**
   * Fetch Redshift's query id (`pg_last_query_id()`) with every statement, in the same round trip.
   * A statement may ask otherwise (`TransportStatement.fetchQueryId`). @default true
   */
  readonly fetchQueryId?: boolean
  /** Failures nobody awaits: background connects, connections dying while idle. */
  readonly onError?: (error: RedshiftError) => void
  /** Told about connections, acquire waits and login steps (spans, metrics, logs). */
  readonly observer?: TransportObserver
}

const DEFAULT_PIPELINE_DEPTH = 4
const MAX_SHARE_KEYS = 64

/** Statements share a connection only with statements that want exactly the same settings. */
function settingsKey(settings: StatementSettings): string {
  return `${settings.timeoutMs ?? '-'}\u0000${settings.queryGroup ?? '\u0001'}`
}

/**
 * The PostgreSQL wire protocol transport (`pg`), over its own pool. Every statement goes out with the
 * session settings it needs (only those that differ) and `pg_last_query_id()` in one round trip.
 */
export class WireTransport implements Transport {
  readonly name = 'wire'
  readonly capabilities = WIRE_CAPABILITIES
  readonly #options: WireTransportOptions
  readonly #pool: Pool<WireConnection>
  /** Server names of deallocated statements, in order; each connection works through the new ones. */
  readonly #retired: string[] = []
  /** When each connection's credentials expire: the pool retires it then. */
  readonly #credentialsExpireAt = new WeakMap<WireConnection, number>()
  readonly #retiredSeen = new WeakMap<WireConnection, number>()
  #queryIdProbe: Promise<boolean> | undefined
  #fetchQueryId = false
  #serverVersion: string | null = null
  #serverVersionText: string | null = null
  #user: string | null = null
  /** Set once a `prefer` server refused TLS: later connections skip the attempt. */
  #plain = false
  readonly #context: RunnerContext
  readonly #traits = new StatementTraitsCache()
  /** Share requests of ad hoc statements by settings key, made once (a client uses few settings). */
  readonly #shares = new Map<string, ShareRequest<WireConnection>>()

  constructor(options: WireTransportOptions) {
    this.#options = options
    const onError = (error: unknown): void =>
      options.onError?.(classifyError(error, { metadata: { transport: 'wire' } }))
    this.#pool = new Pool<WireConnection>(
      {
        create: (onBroken) => this.#open(onBroken),
        destroy: (connection) => {
          options.observer?.disconnected?.({})
          return connection.close()
        },
        kill: (connection, reason) => connection.destroy(reason),
        validate: (connection) => connection.validate(),
        reusable: (connection) => !connection.broken && !connection.inTransaction,
        expiresAt: (connection) => this.#credentialsExpireAt.get(connection),
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
        maxShared: options.pool.pipelineDepth ?? DEFAULT_PIPELINE_DEPTH,
        onError,
      },
    )
    const transport = this
    this.#context = {
      get fetchQueryId() {
        return transport.#fetchQueryId && options.fetchQueryId !== false
      },
      retireOn: (connection) => this.#retireOn(connection),
      traits: (sql) => this.#traits.get(sql),
    }
  }

  execute(statement: TransportStatement): Promise<TransportResult> {
    const { signal, deadline } = statement
    const context =
      statement.fetchQueryId === undefined ? this.#context : this.#withQueryIds(statement.fetchQueryId)
    const work = (c: WireConnection) =>
      guardCall(c, statement, () =>
        runOnConnection(c, context, statement.sql, statement.params, statement.settings),
      )
    // A caller's signal needs a connection of its own: aborting sends a CancelRequest, which would
    // hit whatever a shared connection is running. A timeout does not: the server enforces it per
    // statement (statement_timeout), and the deadline behind it only drops a connection whose
    // server stopped answering, which fails whatever else it carries anyway.
    if (signal !== undefined) return this.#withConnection(signal, work)
    return this.#traits.get(statement.sql).shareable
      ? this.#withSharedConnection(statement.settings, undefined, deadline, work)
      : this.#withConnection(deadline, work)
  }

  prepare(
    prepared: PreparedStatementSpec,
    signal?: AbortSignal,
    deadline?: AbortSignal,
  ): Promise<readonly ColumnMetadata[]> {
    return this.#withConnection(signal ?? deadline, (c) =>
      guardCall(c, { signal, deadline }, async () => {
        this.#retireOn(c)
        const startedAt = Date.now()
        try {
          const fields = await c.describe(prepared.serverName, prepared.sql)
          return fields.map((f) => ColumnMetadata.fromWire(f.name, f.dataTypeID, f.dataTypeModifier))
        } catch (error) {
          throw classifyWireError(error, c, prepared.sql, undefined, startedAt)
        }
      }),
    )
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
    deadline?: AbortSignal,
  ): Promise<TransportResult> {
    const work = (c: WireConnection) =>
      guardCall(c, { signal, deadline, settings }, () =>
        runOnConnection(c, this.#context, prepared.sql, params, settings, prepared),
      )
    if (signal !== undefined) return this.#withConnection(signal, work)
    return this.#traits.get(prepared.sql).shareable
      ? this.#withSharedConnection(settings, prepared.serverName, deadline, work)
      : this.#withConnection(deadline, work)
  }

  async deallocate(prepared: PreparedStatementSpec): Promise<void> {
    // Each connection that parsed it drops it before its next statement (in the same round trip).
    this.#retired.push(prepared.serverName)
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    return new WireSession(await this.#acquire(signal), this.#context)
  }

  /** A named-portal cursor on a connection of its own (an exclusive lease: it takes the socket over). */
  async openCursor(statement: TransportStatement, options: TransportCursorOptions): Promise<TransportCursor> {
    const lease = await this.#acquire(statement.signal ?? statement.deadline)
    // The cursor cancels on the caller's signal itself; the deadline of its opening drops the socket.
    return guardCall(lease.connection, { deadline: statement.deadline }, () =>
      WireCursor.open(lease, this.#context, statement, options, this.#options.types),
    )
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

  destroy(reason: unknown): void {
    this.#pool.destroyAll(reason)
  }

  #open(onBroken: (error: unknown) => void): Promise<WireConnection> {
    const observer = this.#options.observer
    if (observer === undefined) return this.#openConnection(onBroken)
    const started = performance.now()
    return observer
      .step('connect', () => this.#openConnection(onBroken))
      .then(
        (connection) => {
          observer.connected?.({
            durationMs: performance.now() - started,
            tls: !this.#plain && this.#options.tls.ssl !== false,
          })
          return connection
        },
        (error: unknown) => {
          observer.connectFailed?.(error, performance.now() - started)
          throw error
        },
      )
  }

  #credentials(): Promise<WireCredentials> {
    const observer = this.#options.observer
    return observer === undefined
      ? this.#options.credentials()
      : observer.step('credentials', this.#options.credentials)
  }

  async #openConnection(onBroken: (error: unknown) => void): Promise<WireConnection> {
    let connection: WireConnection
    try {
      let credentials = await this.#credentials()
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
            readTimeoutMs: this.#options.readTimeoutMs ?? 0,
            applicationName: this.#options.applicationName ?? 'redshift-kit',
            types: this.#options.types,
            managedSettings: MANAGED_SETTINGS,
            ...(this.#options.statementCache === undefined
              ? {}
              : { statementCache: this.#options.statementCache }),
          },
          onBroken,
        )
      const { ssl, fallbackToPlain } = this.#options.tls
      const connect = async (): Promise<WireConnection> => {
        try {
          return await open(this.#plain ? false : ssl)
        } catch (error) {
          if (
            !fallbackToPlain ||
            this.#plain ||
            !/does not support SSL/i.test(String((error as Error)?.message))
          ) {
            throw error
          }
          this.#plain = true
          return await open(false)
        }
      }
      try {
        connection = await connect()
      } catch (error) {
        // An expired temporary password or a rotated secret: refresh once and retry.
        const code = (error as { code?: unknown } | null)?.code
        if (
          (code !== '28000' && code !== '28P01') ||
          this.#options.credentialsRejected?.(credentials) !== true
        ) {
          throw error
        }
        credentials = await this.#credentials()
        this.#user = credentials.user
        connection = await connect()
      }
      if (credentials.expiresAt !== undefined) {
        this.#credentialsExpireAt.set(connection, credentials.expiresAt.getTime())
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

  /** The runner context with the per-statement query id fetch turned on or off. */
  #withQueryIds(wanted: boolean): RunnerContext {
    const base = this.#context
    const transport = this
    return {
      get fetchQueryId() {
        // The server must have pg_last_query_id() (probed on the first connection).
        return wanted && transport.#fetchQueryId
      },
      retireOn: base.retireOn,
      traits: base.traits,
    }
  }

  #retireOn(connection: WireConnection): void {
    const seen = this.#retiredSeen.get(connection) ?? 0
    for (let i = seen; i < this.#retired.length; i++) connection.retire(this.#retired[i] as string)
    this.#retiredSeen.set(connection, this.#retired.length)
  }

  /** Acquires a live connection: one found dead on the way out of the pool is evicted, not used. */
  #acquire(
    signal: AbortSignal | undefined,
    share?: ShareRequest<WireConnection>,
  ): Promise<PoolLease<WireConnection>> {
    const observer = this.#options.observer
    if (observer === undefined) return this.#acquireLive(signal, share)
    const started = performance.now()
    return observer
      .step('pool.acquire', () => this.#acquireLive(signal, share))
      .then((lease) => {
        observer.acquired?.(performance.now() - started)
        return lease
      })
  }

  async #acquireLive(
    signal: AbortSignal | undefined,
    share?: ShareRequest<WireConnection>,
  ): Promise<PoolLease<WireConnection>> {
    for (let attempt = 0; ; attempt++) {
      const lease = await (share === undefined
        ? this.#pool.acquire(signal)
        : this.#pool.acquireShared(share, signal))
      if (!lease.connection.broken || attempt >= this.#options.pool.max) return lease
      lease.release(new Error('connection found broken when acquired'))
    }
  }

  /**
   * Runs `work` on a connection it may share with other statements in flight that want the same
   * settings (the pool's shared lease). A prepared statement joins a busy connection only where it
   * is already parsed, so it never waits on a neighbour's parse.
   */
  async #withSharedConnection<T>(
    settings: StatementSettings,
    preparedName: string | undefined,
    signal: AbortSignal | undefined,
    work: (c: WireConnection) => Promise<T>,
  ): Promise<T> {
    const key = settingsKey(settings)
    let share = preparedName === undefined ? this.#shares.get(key) : undefined
    if (share === undefined) {
      share = {
        key,
        joinable: (c: WireConnection) =>
          !c.inTransaction && (preparedName === undefined || c.hasPrepared(preparedName)),
      }
      if (preparedName === undefined && this.#shares.size < MAX_SHARE_KEYS) this.#shares.set(key, share)
    }
    const chosen = share
    return this.#onLiveConnection(() => this.#acquire(signal, chosen), work)
  }

  async #withConnection<T>(
    signal: AbortSignal | undefined,
    work: (c: WireConnection) => Promise<T>,
  ): Promise<T> {
    return this.#onLiveConnection(() => this.#acquire(signal), work)
  }

  async #runLeased<T>(lease: PoolLease<WireConnection>, work: (c: WireConnection) => Promise<T>): Promise<T> {
    try {
      const result = await work(lease.connection)
      lease.release()
      return result
    } catch (error) {
      lease.release(isFatalForConnection(error, lease.connection) ? error : undefined)
      throw error
    }
  }

  /**
   * Runs `work` on leases from `acquire` until it runs on a live connection: a statement that could
   * not even be written (the server had reset the connection; `sent === false`) goes out again on
   * another one, at most once per pooled connection. It never ran, so this cannot run it twice.
   */
  async #onLiveConnection<T>(
    acquire: () => Promise<PoolLease<WireConnection>>,
    work: (c: WireConnection) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#runLeased(await acquire(), work)
      } catch (error) {
        const unsent = isRedshiftError(error) && error.code === 'CONNECTION_LOST' && !error.sent
        if (!unsent || attempt >= this.#options.pool.max) throw error
      }
    }
  }
}
