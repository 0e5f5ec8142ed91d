/** What every session of one gateway shares: the engine, the dialect, the logs, WLM, and id counters. */

import type { Engine } from '../engine/engine.js'
import type { WlmQueue, WlmScheduler } from '../wlm/index.js'
import type { AuthMethod, TemporaryPasswordLookup } from './auth.js'
import { CancelMessages, engineSocketPath } from './cancel.js'
import type { CommandExecutor } from './command-executor.js'
import type { Dialect } from './dialect-seam.js'
import type { ResolvedListenerLimits } from './listener-limits.js'
import { LoginThrottle } from './login-throttle.js'
import type { QueryLog } from './query-log.js'
import type { RelationColumnsLookup } from './relation-columns-lookup.js'
import { StatementCache } from './statement-cache.js'
import type { StatementHook } from './statement-hook.js'

/** A user as the gateway knows it. */
export interface UserRecord {
  readonly name: string
  readonly password: string | undefined
  readonly superuser: boolean
  readonly groups: readonly string[]
}

/** An engine role. */
export interface RoleRecord {
  readonly oid: number
  readonly superuser: boolean
}

/** A session's handle, as the server sees it: for cancels that the engine cannot see (WLM waits). */
export interface SessionHandle {
  readonly pid: number
  readonly secretKey: Buffer
  /**
   * Gives up a WLM wait, or stops a running gateway command, with a cancellation error (`message`, or
   * Redshift's default text); false when the session is doing neither.
   */
  cancelQueued(message: string | undefined): boolean
  close(): void
}

/** First query id handed out (Redshift's are large numbers; any positive start works for clients). */
export const FIRST_QUERY_ID = 1000

/** Shared state of one running gateway, handed to every connection. */
export class GatewayContext {
  readonly engine: Engine
  readonly dialect: Dialect
  readonly queryLog: QueryLog
  readonly scheduler: WlmScheduler
  readonly queues: readonly WlmQueue[]
  readonly authMethod: AuthMethod
  readonly temporaryPassword: TemporaryPasswordLookup | undefined
  readonly users: ReadonlyMap<string, UserRecord>
  /** Names of the engine's settings (pg_settings): startup keys outside this set are not forwarded. */
  readonly engineSettings: ReadonlySet<string>
  /** Engine type OID -> Redshift type OID, only where they differ. */
  readonly typeMap: ReadonlyMap<number, number>
  /** The engine role of a user (its oid is Redshift's user id), cached. */
  readonly loadRole: (name: string) => Promise<RoleRecord | undefined>
  /**
   * The MD5 password (`md5` + 32 hex digits) the engine holds for a login role that may log in now, as
   * `CREATE USER ... PASSWORD` set it; undefined when it has none. Never cached: ALTER USER changes it.
   */
  readonly storedPassword: (name: string) => Promise<string | undefined>
  /** Database that holds rk_internal: bookkeeping of other databases' sessions goes there too. */
  readonly adminDatabase: string
  readonly engineSocket: string
  readonly cancelMessages = new CancelMessages()
  readonly sessions = new Map<number, SessionHandle>()
  readonly log: (line: string) => void
  /** Runs COPY / UNLOAD; undefined: they fail with 0A000. */
  readonly commandExecutor: CommandExecutor | undefined
  /** Work before each statement (Spectrum); undefined: none. */
  readonly statementHook: StatementHook | undefined
  /** Column names from the catalog, for PIVOT / UNPIVOT over a plain relation (see relation-columns.ts). */
  readonly relationColumns: RelationColumnsLookup | undefined
  /** Translations shared by every session. */
  readonly statementCache: StatementCache
  readonly limits: ResolvedListenerLimits
  readonly loginThrottle: LoginThrottle
  #queryId = FIRST_QUERY_ID
  #xid = 1
  #lastCommit: { xid: number; pid: number } | undefined

  constructor(init: {
    engine: Engine
    dialect: Dialect
    queryLog: QueryLog
    scheduler: WlmScheduler
    queues: readonly WlmQueue[]
    authMethod: AuthMethod
    temporaryPassword: TemporaryPasswordLookup | undefined
    users: ReadonlyMap<string, UserRecord>
    engineSettings: ReadonlySet<string>
    typeMap: ReadonlyMap<number, number>
    adminDatabase: string
    loadRole: (name: string) => Promise<RoleRecord | undefined>
    storedPassword: (name: string) => Promise<string | undefined>
    log: (line: string) => void
    commandExecutor?: CommandExecutor | undefined
    statementHook?: StatementHook | undefined
    relationColumns?: RelationColumnsLookup | undefined
    limits: ResolvedListenerLimits
  }) {
    this.limits = init.limits
    this.loginThrottle = new LoginThrottle(init.limits.maxLoginDelayMs)
    this.loadRole = init.loadRole
    this.storedPassword = init.storedPassword
    this.engine = init.engine
    this.dialect = init.dialect
    this.queryLog = init.queryLog
    this.scheduler = init.scheduler
    this.queues = init.queues
    this.authMethod = init.authMethod
    this.temporaryPassword = init.temporaryPassword
    this.users = init.users
    this.engineSettings = init.engineSettings
    this.typeMap = init.typeMap
    this.adminDatabase = init.adminDatabase
    this.log = init.log
    this.engineSocket = engineSocketPath(init.engine.socketDir, init.engine.port)
    this.commandExecutor = init.commandExecutor
    this.statementHook = init.statementHook
    this.relationColumns = init.relationColumns
    this.statementCache = new StatementCache(init.dialect, init.commandExecutor !== undefined)
  }

  /** A new query id (one counter for the whole server). */
  nextQueryId(): number {
    return this.#queryId++
  }

  /** The id the next statement will get (for statements translated before they run: Parse). */
  peekQueryId(): number {
    return this.#queryId
  }

  /** A new transaction id (the gateway's own numbering: the engine's xids are not visible to it). */
  nextXid(): number {
    return this.#xid++
  }

  /** Remembers the last transaction that ended, for the cycle named in serialization errors. */
  noteTransactionEnd(xid: number, pid: number): void {
    this.#lastCommit = { xid, pid }
  }

  /** The most recent transaction of another session, or 0. */
  otherXid(pid: number): number {
    const last = this.#lastCommit
    return last !== undefined && last.pid !== pid ? last.xid : 0
  }
}
