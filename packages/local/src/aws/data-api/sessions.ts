/**
 * Data API sessions (SessionKeepAliveSeconds / SessionId): one gateway connection kept open between
 * statements, so temporary tables, settings and an open transaction survive from one call to the
 * next. A session closes when its keep-alive time passes with no statement running, after 24 hours
 * in any case, or when the endpoint stops.
 */
import { randomUUID } from 'node:crypto'
import type { ConnectionTarget } from './connection-target.js'
import { activeSessionsExceeded, ResourceNotFoundError, validationError } from './errors.js'
import type { GatewayConnection } from './gateway-connection.js'

/** The longest a session lives, whatever its keep-alive (24 hours). */
const MAX_SESSION_MS = 24 * 3600_000

/** One kept session. */
export interface DataApiSession {
  readonly id: string
  readonly principalArn: string
  readonly target: ConnectionTarget
  /** The session's connection (opened by its first statement). */
  readonly connection: Promise<GatewayConnection>
  readonly createdAt: Date
  keepAliveSeconds: number
  updatedAt: Date
  /** The statement running in it now. */
  busyWith: string | undefined
  /** When it closes if nothing runs (undefined while busy). */
  expiresAt: Date | undefined
  timer: NodeJS.Timeout | undefined
  closed: boolean
}

/** The open sessions of one endpoint. */
export class SessionStore {
  readonly #sessions = new Map<string, DataApiSession>()
  readonly #max: number
  readonly #log: (line: string) => void

  constructor(max: number, log: (line: string) => void) {
    this.#max = max
    this.#log = log
  }

  /** Refuses a new session past the limit (before a connection is opened for it). */
  checkCapacity(): void {
    if (this.#sessions.size >= this.#max) throw activeSessionsExceeded(this.#max)
  }

  /** Keeps `connection` as a new session, busy with `statementId`. */
  open(
    principalArn: string,
    target: ConnectionTarget,
    connection: Promise<GatewayConnection>,
    keepAliveSeconds: number,
    statementId: string,
  ): DataApiSession {
    const now = new Date()
    const session: DataApiSession = {
      id: randomUUID(),
      principalArn,
      target,
      connection,
      createdAt: now,
      keepAliveSeconds,
      updatedAt: now,
      busyWith: statementId,
      expiresAt: undefined,
      timer: undefined,
      closed: false,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  /** Takes session `id` for a statement of `principalArn`; errors as the service words them. */
  acquire(
    id: string,
    principalArn: string,
    statementId: string,
    keepAliveSeconds: number | undefined,
  ): DataApiSession {
    const session = this.#sessions.get(id)
    if (session === undefined || session.closed || session.principalArn !== principalArn) {
      throw new ResourceNotFoundError(
        `Session ${id} is not available: it expired, was closed, or belongs to another caller.`,
        id,
      )
    }
    if (session.busyWith !== undefined) {
      throw validationError(
        `Session ${id} is busy running statement ${session.busyWith}; wait until it finishes (DescribeStatement).`,
      )
    }
    clearTimeout(session.timer)
    session.timer = undefined
    session.expiresAt = undefined
    session.busyWith = statementId
    session.updatedAt = new Date()
    if (keepAliveSeconds !== undefined) session.keepAliveSeconds = keepAliveSeconds
    return session
  }

  /** The statement in the session ended: the keep-alive clock starts (0, or a lost connection, closes it now). */
  release(session: DataApiSession, broken: boolean): void {
    session.busyWith = undefined
    session.updatedAt = new Date()
    const lifeLeft = session.createdAt.getTime() + MAX_SESSION_MS - Date.now()
    const keepMs = Math.min(session.keepAliveSeconds * 1000, lifeLeft)
    if (keepMs <= 0 || broken) {
      void this.close(session)
      return
    }
    session.expiresAt = new Date(Date.now() + keepMs)
    session.timer = setTimeout(() => void this.close(session), keepMs)
    session.timer.unref()
  }

  /** Closes a session (rolling back an open transaction, as a closed connection does). */
  async close(session: DataApiSession): Promise<void> {
    if (session.closed) return
    session.closed = true
    clearTimeout(session.timer)
    this.#sessions.delete(session.id)
    this.#log(`[aws] redshift-data session ${session.id} closed`)
    await session.connection.then(
      (c) => c.close(),
      () => undefined,
    )
  }

  /** Sessions, for ListSessions. */
  list(): DataApiSession[] {
    return [...this.#sessions.values()]
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => this.close(s)))
  }
}
