/**
 * Slows password guessing: once a user has failed to log in from an address more than a few times,
 * the next attempts of that pair wait their turn, spaced by a pause that doubles with each failure.
 * The pause comes before the password is checked, for every attempt of the pair (a right password
 * too): an attacker learns nothing sooner by giving up on a slow answer, and many connections in
 * parallel only queue up. Keyed by user and address, so one user's typos or expired credentials do
 * not slow anyone else.
 */
import { FREE_LOGIN_FAILURES } from './listener-limits.js'

const FIRST_DELAY_MS = 100
/** A pair with no failure for this long starts afresh. */
const FORGET_AFTER_MS = 60_000
/** Entries kept at most; the stalest go first (addresses are the attacker's to vary). */
const MAX_ENTRIES = 10_000

interface Pair {
  /** Attempts since the pair last succeeded, counted when they start (giving up early still counts). */
  attempts: number
  lastFailure: number
  /** When the next attempt of this pair may be checked. */
  nextSlot: number
}

/**
 * Per (address, user) pacing of login attempts.
 *
 * @example
 * const throttle = new LoginThrottle(2000)
 * await throttle.admit('10.0.0.7', 'awsuser')
 * if (ok) throttle.succeeded('10.0.0.7', 'awsuser')
 * else throttle.failed('10.0.0.7', 'awsuser')
 */
export class LoginThrottle {
  readonly #maxDelayMs: number
  readonly #now: () => number
  readonly #pairs = new Map<string, Pair>()

  constructor(maxDelayMs: number, now: () => number = Date.now) {
    this.#maxDelayMs = maxDelayMs
    this.#now = now
  }

  #key(address: string, user: string): string {
    return `${address}\u0000${user}`
  }

  #delay(attempts: number): number {
    if (this.#maxDelayMs === 0 || attempts < FREE_LOGIN_FAILURES) return 0
    const exponent = Math.min(attempts - FREE_LOGIN_FAILURES, 20)
    return Math.min(this.#maxDelayMs, FIRST_DELAY_MS * 2 ** exponent)
  }

  /** How long this attempt must wait before its password is checked (0: at once); takes its turn. */
  reserve(address: string, user: string): number {
    if (this.#maxDelayMs === 0) return 0
    const key = this.#key(address, user)
    const now = this.#now()
    let pair = this.#pairs.get(key)
    if (pair !== undefined && now - pair.lastFailure > FORGET_AFTER_MS) pair = undefined
    if (pair === undefined) {
      this.#pairs.delete(key)
      if (this.#pairs.size >= MAX_ENTRIES) {
        const stalest = this.#pairs.keys().next().value
        if (stalest !== undefined) this.#pairs.delete(stalest)
      }
      pair = { attempts: 0, lastFailure: now, nextSlot: now }
      this.#pairs.set(key, pair)
    }
    // Attempts in flight count: parallel guesses queue up instead of sharing one pause.
    const delay = this.#delay(pair.attempts)
    pair.attempts++
    if (delay === 0) return 0
    const slot = Math.max(now, pair.nextSlot)
    pair.nextSlot = slot + delay
    return slot - now
  }

  /** Resolves when the attempt may be checked. */
  async admit(address: string, user: string): Promise<void> {
    const wait = this.reserve(address, user)
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref())
  }

  /** The attempt failed: the pair stays remembered for another minute. */
  failed(address: string, user: string): void {
    const key = this.#key(address, user)
    const pair = this.#pairs.get(key)
    if (pair === undefined) return
    pair.lastFailure = this.#now()
    // Map order is insertion order: move the pair to the end so eviction takes the stalest.
    this.#pairs.delete(key)
    this.#pairs.set(key, pair)
  }

  /** The attempt succeeded: the pair starts afresh (the password is known, slowing it protects nothing). */
  succeeded(address: string, user: string): void {
    this.#pairs.delete(this.#key(address, user))
  }
}
