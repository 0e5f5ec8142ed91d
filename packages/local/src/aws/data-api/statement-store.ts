/**
 * The statements the Data API knows: looked up by id (`<id>` or `<id>:<n>`), listed newest first,
 * kept with their results for the retention time (24 hours, as on AWS) and no more than a bounded
 * number of them, and the ClientToken of each request remembered for idempotent retries.
 */
import { ResourceNotFoundError, validationError } from './errors.js'
import { isDone, type SqlRun, type Statement } from './statement.js'

/** How long ClientToken replays return the first request's statement (8 hours, as on AWS). */
const CLIENT_TOKEN_MS = 8 * 3600_000

interface TokenEntry {
  readonly statementId: string
  readonly fingerprint: string
  readonly expiresAt: number
}

/** The statements of one endpoint. */
export class StatementStore {
  readonly #byId = new Map<string, Statement>()
  readonly #tokens = new Map<string, TokenEntry>()
  readonly #retentionMs: number
  readonly #maxKept: number
  readonly #now: () => number

  constructor(retentionMs: number, maxKept: number, now: () => number = Date.now) {
    this.#retentionMs = retentionMs
    this.#maxKept = maxKept
    this.#now = now
  }

  add(statement: Statement): void {
    this.#byId.set(statement.id, statement)
  }

  /** The statement (or a batch's sub-statement) of an id, or ResourceNotFoundException. */
  find(id: string): { statement: Statement; run?: SqlRun } {
    const colon = id.indexOf(':')
    const base = colon < 0 ? id : id.slice(0, colon)
    const statement = this.#byId.get(base)
    if (statement === undefined) throw new ResourceNotFoundError(`Query does not exist: ${id}.`, id)
    if (colon < 0) return { statement }
    const run = statement.runs.find((r) => r.id === id)
    if (run === undefined) throw new ResourceNotFoundError(`Query does not exist: ${id}.`, id)
    return { statement, run }
  }

  /** Statements running or waiting to. */
  activeCount(): number {
    let n = 0
    for (const s of this.#byId.values()) if (!isDone(s.status)) n++
    return n
  }

  /** Every statement, newest first. */
  newestFirst(): Statement[] {
    return [...this.#byId.values()].reverse()
  }

  /** The statement an earlier request with this ClientToken created, if any (same request only). */
  replay(principalArn: string, token: string, fingerprint: string): Statement | undefined {
    const entry = this.#tokens.get(`${principalArn}\n${token}`)
    if (entry === undefined || entry.expiresAt <= this.#now()) return undefined
    if (entry.fingerprint !== fingerprint) {
      throw validationError(
        `ClientToken ${token} was already used for a different request; use a new token for a new request.`,
      )
    }
    return this.#byId.get(entry.statementId)
  }

  remember(principalArn: string, token: string, fingerprint: string, statementId: string): void {
    this.#tokens.set(`${principalArn}\n${token}`, {
      statementId,
      fingerprint,
      expiresAt: this.#now() + CLIENT_TOKEN_MS,
    })
  }

  /**
   * Forgets statements past their retention, and the oldest finished ones beyond the count bound;
   * returns them so their results can be freed.
   */
  sweep(): Statement[] {
    const now = this.#now()
    const removed: Statement[] = []
    for (const [id, s] of this.#byId) {
      if (isDone(s.status) && s.createdAt.getTime() + this.#retentionMs <= now) {
        this.#byId.delete(id)
        removed.push(s)
      }
    }
    if (this.#byId.size > this.#maxKept) {
      for (const [id, s] of this.#byId) {
        if (this.#byId.size <= this.#maxKept) break
        if (!isDone(s.status)) continue
        this.#byId.delete(id)
        removed.push(s)
      }
    }
    for (const [key, t] of this.#tokens) if (t.expiresAt <= now) this.#tokens.delete(key)
    return removed
  }

  /** Every statement (for shutdown). */
  all(): Statement[] {
    return [...this.#byId.values()]
  }
}
