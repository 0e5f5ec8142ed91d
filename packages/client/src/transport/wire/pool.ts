import { setImmediate as nextTurn } from 'node:timers'
import { PoolClosedError, PoolExhaustedError } from '../../errors/connection-errors.js'
import { onAbort as onAbortOf } from '../abort-hub.js'
import type { PoolStats } from '../pool-stats.js'
import { currentTurn, isCurrentTurn } from './event-loop-turn.js'
import { LatencyWindow } from './latency-window.js'
import type { PoolConnectionFactory, PoolLease, PoolOptions, ShareRequest } from './pool-types.js'

export type { PoolConnectionFactory, PoolLease, PoolOptions, ShareRequest } from './pool-types.js'

interface Entry<C> {
  connection: C
  readonly createdAt: number
  idleSince: number
  /** The event-loop turn it was last released in (see {@link currentTurn}). */
  releasedIn: object | undefined
  state: 'active' | 'idle' | 'destroyed'
  broken: boolean
  /** Leases out on it: 1 when lent exclusively, up to `maxShared` when shared. */
  leases: number
  /** The share key of its shared leases; undefined while idle, lent exclusively, or not yet joinable. */
  shareKey: string | undefined
  /** The failure a shared lease was released with: the connection is closed once the others are back. */
  failure: unknown
  idleTimer: ReturnType<typeof setTimeout> | undefined
  lifetimeTimer: ReturnType<typeof setTimeout> | undefined
}

interface Waiter<C> {
  readonly share: ShareRequest<C> | undefined
  /** Hands `entry` over; false when the waiter had already given up (timed out, aborted). */
  readonly grant: (entry: Entry<C>, fresh: boolean, joined: boolean) => boolean
  readonly fail: (error: unknown) => void
}

interface Taken<C> {
  readonly entry: Entry<C>
  readonly fresh: boolean
  /** Joined a connection other shared leases already hold (it needs no check: it is in use). */
  readonly joined: boolean
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
 * A connection is lent either exclusively ({@link Pool.acquire}: a transaction, a session) or shared
 * ({@link Pool.acquireShared}: statements that can be pipelined on one connection, up to `maxShared`
 * at once). Sharing only starts when no connection is idle and no new one may be opened, waiters are
 * served strictly first come first served, and a waiter at the head of the queue stops further
 * joins: so a caller that needs a connection of its own is never starved by a stream of shared ones.
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
  readonly #maxShared: number
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
    const maxShared = options.maxShared ?? 1
    if (!Number.isInteger(maxShared) || maxShared < 1) {
      throw new RangeError(`pool maxShared must be an integer >= 1, got ${maxShared}`)
    }
    this.#maxShared = maxShared
    this.#onError = options.onError ?? (() => undefined)
  }

  /**
   * Lends a connection: an idle one, a new one when below `max`, or the next one released (first come,
   * first served). Rejects with `PoolExhaustedError` after the acquire timeout, `PoolClosedError` once
   * closing, the signal's reason when aborted, or the connect error of a new connection.
   */
  acquire(signal?: AbortSignal): Promise<PoolLease<C>> {
    return this.#acquire(undefined, signal)
  }

  /**
   * Lends a connection that other shared leases of the same key may use at the same time (up to
   * `maxShared`): an idle one, a new one when below `max`, else the least busy connection already
   * shared under `share.key`, else the next one freed. Rejects as {@link Pool.acquire} does.
   */
  acquireShared(share: ShareRequest<C>, signal?: AbortSignal): Promise<PoolLease<C>> {
    return this.#acquire(this.#maxShared > 1 ? share : undefined, signal)
  }

  async #acquire(share: ShareRequest<C> | undefined, signal: AbortSignal | undefined): Promise<PoolLease<C>> {
    if (this.#closing) throw new PoolClosedError('the connection pool is closed; create a new client')
    const started = Date.now()
    for (;;) {
      signal?.throwIfAborted()
      const taking = this.#take(signal, share)
      if (!this.#started) {
        // After #take, so the connection it may be opening counts towards the warm minimum.
        this.#started = true
        this.#warm()
      }
      const { entry, fresh, joined } = await taking
      if (!fresh && !joined && !(await this.#stillGood(entry))) {
        this.#destroy(entry)
        continue
      }
      if (signal?.aborted === true) {
        // A connection that was opened or validated after its caller gave up goes back: nobody
        // would ever release it.
        this.#releaseLease(entry, undefined)
        throw signal.reason
      }
      this.#acquiredTotal++
      this.#latency.add(Date.now() - started)
      if (share !== undefined && !joined) {
        // Joinable only now that it is known good; callers queued behind may join it at once.
        entry.shareKey = share.key
        this.#fillShared(entry)
      }
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

  /**
   * Drops every connection at once, lent ones included (their work in flight fails, and they are
   * discarded when released): what a bounded `close()` does once its grace is over.
   */
  destroyAll(reason: unknown): void {
    for (const entry of [...this.#all]) {
      if (entry.state === 'idle') this.#destroy(entry)
      else this.#factory.kill?.(entry.connection, reason)
    }
  }

  #take(signal: AbortSignal | undefined, share: ShareRequest<C> | undefined): Promise<Taken<C>> | Taken<C> {
    if (this.#waiters.length === 0) {
      const idle = this.#idle.pop()
      if (idle) return { entry: this.#activate(idle), fresh: false, joined: false }
      if (this.#all.size + this.#creating < this.#max) {
        return this.#create().then((entry) => ({ entry, fresh: true, joined: false }))
      }
      const shared = share === undefined ? undefined : this.#joinable(share)
      if (shared) {
        shared.leases++
        return { entry: shared, fresh: false, joined: true }
      }
    }
    return new Promise<Taken<C>>((resolve, reject) => {
      let settled = false
      let stopListening = (): void => undefined
      const settle = (): void => {
        settled = true
        clearTimeout(timer)
        stopListening()
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
        share,
        grant: (entry, fresh, joined) => {
          if (settled) return false
          settle()
          resolve({ entry, fresh, joined })
          return true
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
      if (signal !== undefined) stopListening = onAbortOf(signal, onAbort)
      this.#waiters.push(waiter)
    })
  }

  async #stillGood(entry: Entry<C>): Promise<boolean> {
    // A server that reset idle connections (a restart, an idle-session timeout, a proxy) has told
    // the socket already, but that news is only read in the event loop's next poll: one turn of the
    // loop before use lets it arrive, so the statement goes out on a fresh connection, not into a
    // dead one. (setImmediate runs right after the poll phase: no measurable wait.)
    // Released earlier in this same turn, no poll has run since: there is no news to wait for, and
    // a caller running statements back to back is not charged a turn of the loop for each.
    if (!isCurrentTurn(entry.releasedIn)) await new Promise<void>((resolve) => nextTurn(resolve))
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
        this.#releaseLease(entry, error)
        return true
      },
    }
  }

  /** The least busy connection shared under `share.key` that can take one more lease. */
  #joinable(share: ShareRequest<C>): Entry<C> | undefined {
    let best: Entry<C> | undefined
    for (const entry of this.#all) {
      if (!this.#canJoin(entry, share)) continue
      if (best === undefined || entry.leases < best.leases) best = entry
    }
    return best
  }

  #canJoin(entry: Entry<C>, share: ShareRequest<C>): boolean {
    return (
      entry.state === 'active' &&
      entry.shareKey === share.key &&
      entry.leases < this.#maxShared &&
      !entry.broken &&
      entry.failure === undefined &&
      !this.#closing &&
      !this.#expired(entry) &&
      (share.joinable?.(entry.connection) ?? true)
    )
  }

  /** Lets the shared waiters at the head of the queue join `entry`, while it has room and they fit. */
  #fillShared(entry: Entry<C>): void {
    for (;;) {
      const head = this.#waiters[0]
      if (head?.share === undefined || !this.#canJoin(entry, head.share)) return
      this.#waiters.shift()
      entry.leases++
      head.grant(entry, false, true)
    }
  }

  /** One lease of `entry` comes back; the connection itself comes back with the last one. */
  #releaseLease(entry: Entry<C>, error: unknown): void {
    entry.leases--
    if (error !== undefined && entry.failure === undefined) entry.failure = error
    if (entry.leases > 0) {
      this.#fillShared(entry)
      return
    }
    const failure = entry.failure
    entry.shareKey = undefined
    entry.failure = undefined
    this.#release(entry, failure)
  }

  #release(entry: Entry<C>, error: unknown): void {
    entry.leases = 1
    const reusable = this.#factory.reusable ? this.#factory.reusable(entry.connection) : true
    if (error !== undefined || entry.broken || this.#closing || this.#expired(entry) || !reusable) {
      this.#destroy(entry)
      return
    }
    entry.idleSince = Date.now()
    entry.releasedIn = currentTurn()
    const waiter = this.#waiters.shift()
    if (waiter) {
      waiter.grant(entry, false, false)
      return
    }
    this.#toIdle(entry)
  }

  #toIdle(entry: Entry<C>): void {
    entry.state = 'idle'
    entry.leases = 0
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
    entry.leases = 1
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = undefined
    return entry
  }

  #expired(entry: Entry<C>): boolean {
    const until = entry.connection === undefined ? undefined : this.#factory.expiresAt?.(entry.connection)
    if (until !== undefined && Date.now() >= until) return true
    return this.#maxLifetimeMs > 0 && Date.now() - entry.createdAt >= this.#maxLifetimeMs
  }

  async #create(): Promise<Entry<C>> {
    this.#creating++
    const now = Date.now()
    const entry: Entry<C> = {
      connection: undefined as C,
      createdAt: now,
      idleSince: now,
      releasedIn: undefined,
      state: 'active',
      broken: false,
      leases: 1,
      shareKey: undefined,
      failure: undefined,
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

  /** Serves queued waiters from idle connections, then new ones while below `max`, then shared ones. */
  #dispatch(): void {
    while (this.#waiters.length > 0 && !this.#closing) {
      const idle = this.#idle.pop()
      if (idle) {
        this.#waiters.shift()?.grant(this.#activate(idle), false, false)
        continue
      }
      if (this.#all.size + this.#creating >= this.#max) {
        const head = this.#waiters[0]
        const shared = head?.share === undefined ? undefined : this.#joinable(head.share)
        if (head === undefined || shared === undefined) return
        this.#waiters.shift()
        shared.leases++
        head.grant(shared, false, true)
        continue
      }
      const waiter = this.#waiters.shift()
      if (!waiter) return
      this.#create().then(
        // The waiter left the queue when its connection started opening; if it gave up meanwhile,
        // the new connection is nobody's and goes back to the pool.
        (entry) => {
          if (!waiter.grant(entry, true, false)) this.#release(entry, undefined)
        },
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
