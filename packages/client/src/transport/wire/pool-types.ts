/** The pool's seams: how it makes connections, how it is sized, what it lends. */

/** How the pool opens, checks and closes the connections it manages. */
export interface PoolConnectionFactory<C> {
  /**
   * Opens a connection. `onBroken` must be called if the connection dies on its own (socket closed,
   * backend terminated) so that the pool drops it even while nobody holds it.
   */
  create(onBroken: (error: unknown) => void): Promise<C>
  /** Closes a connection; errors are reported through `onError` and otherwise ignored. */
  destroy(connection: C): Promise<void>
  /** Drops a connection at once, even while lent (its work in flight fails); see `Pool.destroyAll`. */
  kill?(connection: C, reason: unknown): void
  /** Checks a connection that sat idle longer than `validateAfterIdleMs`; false (or a throw) discards it. */
  validate?(connection: C): Promise<boolean>
  /** Whether a released connection may be reused: false discards it (e.g. a transaction is still open). */
  reusable?(connection: C): boolean
  /** When a connection must stop being used (epoch ms; e.g. its IAM password expires), if ever. */
  expiresAt?(connection: C): number | undefined
}

/** Sizing and timing of a pool. Durations in milliseconds; 0 disables the timer it names. */
export interface PoolOptions {
  /** The most connections open at once, idle or not. */
  readonly max: number
  /** Connections kept open even when idle, once the pool has been used. @default 0 */
  readonly min?: number
  /** How long `acquire()` waits for a free connection before a `PoolExhaustedError`. */
  readonly acquireTimeoutMs: number
  /** An idle connection above `min` is closed after this long. @default 0 */
  readonly idleTimeoutMs?: number
  /** A connection is closed (when next idle) this long after it was opened. @default 0 */
  readonly maxLifetimeMs?: number
  /** A connection idle at least this long is validated before it is handed out. @default 30000 */
  readonly validateAfterIdleMs?: number
  /** Failures nobody awaits (warm-up connects, closes, connections dying while idle). */
  readonly onError?: (error: unknown) => void
  /**
   * The most shared leases one connection carries at once (see {@link Pool.acquireShared}); 1 turns
   * sharing off. @default 1
   */
  readonly maxShared?: number
}

/** What a caller of {@link Pool.acquireShared} may share a connection with. */
export interface ShareRequest<C> {
  /**
   * Callers share a connection only with callers of the same key (on the wire: the same session
   * settings), so that whatever order their statements reach the server in, each runs as asked.
   */
  readonly key: string
  /** A further check of a connection already in use by others, made when joining it. */
  readonly joinable?: (connection: C) => boolean
}

/** A connection lent by the pool. Releasing it twice is harmless: the second call does nothing. */
export interface PoolLease<C> {
  readonly connection: C
  /**
   * Gives the connection back. With an error, the connection is closed instead of reused.
   * Returns false when this lease was already released.
   */
  release(error?: unknown): boolean
}
