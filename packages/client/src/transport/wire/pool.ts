import { PoolClosedError, PoolExhaustedError } from '../../errors/connection-errors.js'
import type { PoolStats } from '../pool-stats.js'
import { LatencyWindow } from './latency-window.js'

/** How the pool opens, checks and closes the connections it manages. */
export interface PoolConnectionFactory<C> {
  /**
   * Opens a connection. `onBroken` must be called if the connection dies on its own (socket closed,
   * backend terminated) so that the pool drops it even while nobody holds it.
   */
  create(onBroken: (error: unknown) => void): Promise<C>
  /** Closes a connection; errors are reported through `onError` and otherwise ignored. */
  destroy(connection: C): Promise<void>
  /** Checks a connection that sat idle longer than `validateAfterIdleMs`; false (or a throw) discards it. */
  validate?(connection: C): Promise<boolean>
  /** Whether a released connection may be reused: false discards it (e.g. a transaction is still open). */
  reusable?(connection: C): boolean
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

interface Entry<C> {
  connection: C
  readonly createdAt: number
  idleSince: number
  state: 'active' | 'idle' | 'destroyed'
  broken: boolean
  idleTimer: ReturnType<typeof setTimeout> | undefined
  lifetimeTimer: ReturnType<typeof setTimeout> | undefined
}

interface Waiter<C> {
  readonly grant: (entry: Entry<C>, fresh: boolean) => void
  readonly fail: (error: unknown) => void
}

interface Taken<C> {
  readonly entry: Entry<C>
  readonly fresh: boolean
}

function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  // A pool's timers must never keep the process alive on their own.
  timer.unref?.()
  return timer
}

/**
 * A connection pool built for Redshift sessions: FIFO waiters with an acquire timeout, a warm minimum,
 * idle timeout, max lifetime (kept below credential lifetime so IAM passwords rotate), validation of
 * connections that sat idle, eviction of broken ones, and statistics.
 *
 * Leases, not connections, are what callers give back: a stale lease can never release a connection
 * that has since been lent to somebody else, which is what makes a second release safe to ignore.
 *
 * @example
 * const pool = new Pool(factory, { max: 10, acquireTimeoutMs: 5_000 })
 * const lease = await pool.acquire()
 * try { await lease.connection.query('select 1') } finally { lease.release() }
 * await pool.close()
 */
export class Pool<C> {
  readonly #factory: PoolConnectionFactory<C>
  readonly #max: number
  readonly #min: number
  readonly #acquireTimeoutMs: number
  readonly #idleTimeoutMs: number
  readonly #maxLifetimeMs: number
  readonly #validateAfterIdleMs: number
  readonly #onError: (error: unknown) => void
  readonly #all = new Set<Entry<C>>()
  /** Most recently used last: reuse takes the warmest connection and lets the coldest idle out. */
  readonly #idle: Entry<C>[] = []
  readonly #waiters: Waiter<C>[] = []
  readonly #destroying = new Set<Promise<void>>()
  readonly #latency = new LatencyWindow()
  #creating = 0
  #started = false
  #closing = false
  #closed: Promise<void> | undefined
  #finishClose: (() => void) | undefined
  #acquiredTotal = 0
  #createdTotal = 0
  #destroyedTotal = 0
  #timeoutsTotal = 0

  constructor(factory: PoolConnectionFactory<C>, options: PoolOptions) {
    const min = options.min ?? 0
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new RangeError(`pool max must be an integer >= 1, got ${options.max}`)
    }
    if (!Number.isInteger(min) || min < 0 || min > options.max) {
      throw new RangeError(`pool min must be an integer between 0 and max (${options.max}), got ${min}`)
    }
    this.#factory = factory
    this.#max = options.max
    this.#min = min
    this.#acquireTimeoutMs = options.acquireTimeoutMs
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 0
    this.#maxLifetimeMs = options.maxLifetimeMs ?? 0
    this.#validateAfterIdleMs = options.validateAfterIdleMs ?? 30_000
    this.#onError = options.onError ?? (() => undefined)
  }

  /**
   * Lends a connection: an idle one, a new one when below `max`, or the next one released (first come,
   * first served). Rejects with `PoolExhaustedError` after the acquire timeout, `PoolClosedError` once
   * closing, the signal's reason when aborted, or the connect error of a new connection.
   */
  async acquire(signal?: AbortSignal): Promise<PoolLease<C>> {
    if (this.#closing) throw new PoolClosedError('the connection pool is closed; create a new client')
    signal?.throwIfAborted()
    const started = Date.now()
    for (;;) {
      const taking = this.#take(signal)
      if (!this.#started) {
        // After #take, so the connection it may be opening counts towards the warm minimum.
        this.#started = true
        this.#warm()
      }
      const { entry, fresh } = await taking
      if (!fresh && !(await this.#stillGood(entry))) {
        this.#destroy(entry)
        continue
      }
      this.#acquiredTotal++
      this.#latency.add(Date.now() - started)
      return this.#lease(entry)
    }
  }

  /** Counts and acquire latency, as of now. */
  stats(): PoolStats {
    const idle = this.#idle.length
    return {
      total: this.#all.size,
      idle,
      active: this.#all.size - idle,
      pending: this.#creating,
      waiting: this.#waiters.length,
      max: this.#max,
      min: this.#min,
      acquiredTotal: this.#acquiredTotal,
      createdTotal: this.#createdTotal,
      destroyedTotal: this.#destroyedTotal,
      acquireTimeoutsTotal: this.#timeoutsTotal,
      acquireTimeMs: this.#latency.percentiles(),
      closed: this.#closing,
    }
  }

  /**
   * Stops lending (waiters and later acquires get `PoolClosedError`), waits until every lent connection
   * has been released, then closes all connections. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closed
    this.#closing = true
    this.#closed = new Promise<void>((resolve) => {
      this.#finishClose = resolve
    })
    const waiters = this.#waiters.splice(0)
    for (const waiter of waiters)
      waiter.fail(new PoolClosedError('the connection pool was closed while waiting'))
    this.#maybeFinishClose()
    return this.#closed
  }

  #take(signal: AbortSignal | undefined): Promise<Taken<C>> | Taken<C> {
    if (this.#waiters.length === 0) {
      const idle = this.#idle.pop()
      if (idle) return { entry: this.#activate(idle), fresh: false }
      if (this.#all.size + this.#creating < this.#max) {
        return this.#create().then((entry) => ({ entry, fresh: true }))
      }
    }
    return new Promise<Taken<C>>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        const at = this.#waiters.indexOf(waiter)
        if (at !== -1) this.#waiters.splice(at, 1)
      }
      const onAbort = (): void => {
        settle()
        reject(signal?.reason)
      }
      const timer = unref(
        setTimeout(() => {
          settle()
          this.#timeoutsTotal++
          const s = this.stats()
          reject(
            new PoolExhaustedError(
              `no connection became free within ${this.#acquireTimeoutMs} ms (${s.active} of ${s.max} in use, ` +
                `${s.waiting} waiting); raise poolSize or connectionTimeout, or release connections sooner`,
            ),
          )
        }, this.#acquireTimeoutMs),
      )
      const waiter: Waiter<C> = {
        grant: (entry, fresh) => {
          settle()
          resolve({ entry, fresh })
        },
        fail: (error) => {
          settle()
          reject(error)
        },
      }
      if (signal?.aborted) {
        onAbort()
        return
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  async #stillGood(entry: Entry<C>): Promise<boolean> {
    if (entry.broken || this.#expired(entry)) return false
    const validate = this.#factory.validate
    if (!validate || Date.now() - entry.idleSince < this.#validateAfterIdleMs) return true
    try {
      return (await validate.call(this.#factory, entry.connection)) && !entry.broken
    } catch (error) {
      this.#onError(error)
      return false
    }
  }

  #lease(entry: Entry<C>): PoolLease<C> {
    let released = false
    return {
      connection: entry.connection,
      release: (error?: unknown): boolean => {
        if (released) return false
        released = true
        this.#release(entry, error)
        return true
      },
    }
  }

  #release(entry: Entry<C>, error: unknown): void {
    const reusable = this.#factory.reusable ? this.#factory.reusable(entry.connection) : true
    if (error !== undefined || entry.broken || this.#closing || this.#expired(entry) || !reusable) {
      this.#destroy(entry)
      return
    }
    entry.idleSince = Date.now()
    const waiter = this.#waiters.shift()
    if (waiter) {
      waiter.grant(entry, false)
      return
    }
    this.#toIdle(entry)
  }

  #toIdle(entry: Entry<C>): void {
    entry.state = 'idle'
    this.#idle.push(entry)
    if (this.#idleTimeoutMs > 0) {
      entry.idleTimer = unref(
        setTimeout(() => {
          entry.idleTimer = undefined
          if (entry.state === 'idle' && this.#all.size > this.#min) this.#destroy(entry)
        }, this.#idleTimeoutMs),
      )
    }
  }

  #activate(entry: Entry<C>): Entry<C> {
    entry.state = 'active'
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = undefined
    return entry
  }

  #expired(entry: Entry<C>): boolean {
    return this.#maxLifetimeMs > 0 && Date.now() - entry.createdAt >= this.#maxLifetimeMs
  }

  async #create(): Promise<Entry<C>> {
    this.#creating++
    const now = Date.now()
    const entry: Entry<C> = {
      connection: undefined as C,
      createdAt: now,
      idleSince: now,
      state: 'active',
      broken: false,
      idleTimer: undefined,
      lifetimeTimer: undefined,
    }
    let connection: C
    try {
      connection = await this.#factory.create((error) => this.#onBroken(entry, error))
    } catch (error) {
      this.#creating--
      this.#dispatch()
      this.#maybeFinishClose()
      throw error
    }
    this.#creating--
    entry.connection = connection
    this.#createdTotal++
    this.#all.add(entry)
    if (this.#maxLifetimeMs > 0) {
      entry.lifetimeTimer = unref(
        setTimeout(() => {
          entry.lifetimeTimer = undefined
          // A lent connection is closed when it comes back (#release checks the age).
          if (entry.state === 'idle') this.#destroy(entry)
        }, this.#maxLifetimeMs),
      )
    }
    if (this.#closing) {
      this.#destroy(entry)
      throw new PoolClosedError('the connection pool was closed while connecting')
    }
    return entry
  }

  #onBroken(entry: Entry<C>, error: unknown): void {
    if (entry.state === 'destroyed' || entry.broken) return
    entry.broken = true
    this.#onError(error)
    if (entry.state === 'idle') this.#destroy(entry)
  }

  #destroy(entry: Entry<C>): void {
    if (entry.state === 'destroyed') return
    const at = this.#idle.indexOf(entry)
    if (at !== -1) this.#idle.splice(at, 1)
    entry.state = 'destroyed'
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    if (entry.lifetimeTimer) clearTimeout(entry.lifetimeTimer)
    this.#all.delete(entry)
    this.#destroyedTotal++
    const closing = this.#factory
      .destroy(entry.connection)
      .catch((error: unknown) => this.#onError(error))
      .finally(() => this.#destroying.delete(closing))
    this.#destroying.add(closing)
    this.#dispatch()
    this.#warm()
    this.#maybeFinishClose()
  }

  /** Serves queued waiters from idle connections, then from new ones while below `max`. */
  #dispatch(): void {
    while (this.#waiters.length > 0 && !this.#closing) {
      const idle = this.#idle.pop()
      if (idle) {
        this.#waiters.shift()?.grant(this.#activate(idle), false)
        continue
      }
      if (this.#all.size + this.#creating >= this.#max) return
      const waiter = this.#waiters.shift()
      if (!waiter) return
      this.#create().then(
        (entry) => waiter.grant(entry, true),
        (error: unknown) => waiter.fail(error),
      )
    }
  }

  /** Opens connections in the background until `min` are open; failures go to `onError`. */
  #warm(): void {
    if (!this.#started || this.#closing) return
    while (this.#all.size + this.#creating < this.#min) {
      this.#create().then(
        (entry) => this.#release(entry, undefined),
        (error: unknown) => {
          if (!this.#closing) this.#onError(error)
        },
      )
    }
  }

  #maybeFinishClose(): void {
    if (!this.#closing || !this.#finishClose) return
    if (this.#all.size > this.#idle.length || this.#creating > 0) return
    const finish = this.#finishClose
    this.#finishClose = undefined
    for (const entry of [...this.#idle]) this.#destroy(entry)
    void Promise.all([...this.#destroying]).then(() => finish())
  }
}
