/**
 * What one session remembers between messages: Redshift settings, transaction bookkeeping, prepared
 * statements and portals, and the life of each execution (WLM slot, query log record, effects).
 */
import {
  REDSHIFT_SESSION_SETTINGS,
  type RedshiftSessionSetting,
  statementEffects,
} from '../../dialect/index.js'
import { REDSHIFT_SETTING_DEFAULTS } from '../../engine/engine.js'
import { isGranted, routeStatement, SlotCountError } from '../../wlm/index.js'
import { buildCancelRequest, forwardCancel } from '../cancel.js'
import type { GatewayContext } from '../context.js'
import type { GatewayNotice } from '../protocol/backend.js'
import {
  type ConnectionEvent,
  MAX_LOGGED_QUERY_TEXT,
  type QueryRecord,
  type QueryStatus,
} from '../query-log.js'
import type { Execution, PortalState, Prepared } from './execution.js'
import { rowsFromTag } from './execution.js'

/** Who the session is. */
export interface SessionIdentity {
  readonly user: string
  readonly database: string
  readonly userId: number
  readonly superuser: boolean
  readonly groups: readonly string[]
  /** The engine backend's pid: what the client sees as pg_backend_pid(). */
  readonly pid: number
  readonly secretKey: Buffer
  readonly connectedAt: Date
  readonly disconnectEvent: (durationMicros: number) => ConnectionEvent
}

/** Current values of the Redshift-only settings. */
export type Settings = Record<RedshiftSessionSetting, string>

const READY_IDLE = 0x49 // 'I'

const defaults = (): Settings =>
  Object.fromEntries(REDSHIFT_SESSION_SETTINGS.map((n) => [n, REDSHIFT_SETTING_DEFAULTS[n]])) as Settings

/** A portal, with the Sync count when it was bound (it dies at the end of that transaction). */
export interface BoundPortal extends PortalState {
  readonly syncGeneration: number
}

/** The state of one session, shared by its client side and its engine side. */
export class SessionState {
  readonly ctx: GatewayContext
  readonly identity: SessionIdentity
  /** Values as statements see them now. */
  settings: Settings = defaults()
  /** Values as of the last transaction end (restored when a transaction rolls back). */
  #committed: Settings = defaults()
  readonly #localSettings = new Set<RedshiftSessionSetting>()
  lastQueryId = -1
  /**
   * The id of the last counted statement sent to the engine, finished or not. A client may pipeline a
   * statement and `select pg_last_query_id()` before either is answered; statements of a session run in
   * order, so by the time the second runs, this one is the session's last completed query.
   */
  lastSentQueryId = -1
  readonly statements = new Map<string, Prepared>()
  readonly portals = new Map<string, BoundPortal>()
  /** Syncs sent so far. */
  syncGeneration = 0
  /** The engine discards messages until the next Sync (it reported an error in an extended batch). */
  engineSkipping = false
  /** The execution waiting for WLM or running, if any. */
  current: Execution | undefined
  #xid = 0
  #xidOpen = false
  #errorSinceReady = false
  #lastTag = ''
  /** A setting changed since the last transaction end. */
  #settingsChanged = false
  constructor(ctx: GatewayContext, identity: SessionIdentity) {
    this.ctx = ctx
    this.identity = identity
  }

  get xid(): number {
    return this.#xid
  }

  /** The query group for labels and routing, or undefined when unset. */
  get queryGroup(): string | undefined {
    const g = this.settings.query_group
    return g === '' || g === 'unset' ? undefined : g
  }

  /** Creates the execution of a statement and its query log record (status queued). */
  begin(prepared: Prepared | undefined, portal: PortalState | undefined, queryId?: number): Execution {
    const { ctx, identity } = this
    const id = queryId ?? ctx.nextQueryId()
    const group = this.queryGroup
    const queue = routeStatement(ctx.queues, {
      queryGroup: group,
      userGroups: identity.groups,
      superuser: identity.superuser,
    })
    const control = prepared?.control === true
    const slots = control ? 0 : Math.max(1, Number.parseInt(this.settings.wlm_query_slot_count, 10) || 1)
    if (!this.#xidOpen) {
      this.#xid = ctx.nextXid()
      this.#xidOpen = true
    }
    const now = new Date()
    const record: QueryRecord = {
      queryId: id,
      xid: this.#xid,
      pid: identity.pid,
      userId: identity.userId,
      userName: identity.user,
      databaseName: identity.database,
      label: group ?? 'default',
      queryType: prepared?.translation?.queryType ?? 'OTHER',
      status: 'queued',
      serviceClass: queue.serviceClass,
      queueName: queue.name,
      slotCount: slots,
      queueStart: now,
      startTime: now,
      endTime: undefined,
      returnedRows: 0,
      returnedBytes: 0,
      rowsAffected: 0,
      errorMessage: undefined,
      queryText: loggedText(prepared?.original ?? ''),
    }
    if (!control) this.lastSentQueryId = record.queryId
    const exec: Execution = {
      record,
      prepared,
      queue,
      counted: !control,
      portal,
      release: undefined,
      wait: undefined,
      timer: undefined,
      abort: undefined,
      raise: prepared?.raise,
      copyOut: false,
      copyRefused: false,
      done: undefined,
      finished: false,
    }
    this.current = exec
    ctx.queryLog.touch(record)
    return exec
  }

  /**
   * Everything before the statement may run: a WLM slot (control statements need none) and, for a
   * statement reading system views, a flush of the bookkeeping. Undefined when nothing had to wait.
   */
  admit(exec: Execution): Promise<void> | undefined {
    let pending: Promise<void> | undefined
    if (exec.record.slotCount > 0 && exec.raise === undefined) {
      try {
        const got = this.ctx.scheduler.acquire(exec.queue, exec.record.slotCount)
        if (isGranted(got)) {
          exec.release = got
        } else {
          exec.wait = got
          pending = got.promise.then(
            (release) => {
              exec.wait = undefined
              if (exec.finished) release()
              else exec.release = release
            },
            (error: unknown) => {
              exec.wait = undefined
              exec.raise = this.#cancelNotice(exec, error)
            },
          )
        }
      } catch (error) {
        if (!(error instanceof SlotCountError)) throw error
        exec.raise = { severity: 'ERROR', code: '53000', message: error.message }
      }
    }
    if (exec.prepared?.translation?.readsSystemViews === true) {
      const flush = (): Promise<void> => {
        this.markRunning(exec)
        return this.ctx.queryLog.flush()
      }
      pending = pending === undefined ? flush() : pending.then(flush)
    }
    return pending
  }

  #cancelNotice(exec: Execution, error: unknown): GatewayNotice {
    const custom = error instanceof Error && error.message !== '' ? error.message : undefined
    return {
      severity: 'ERROR',
      code: '57014',
      message: custom ?? `Query (${exec.record.queryId}) cancelled on user's request`,
    }
  }

  /** The statement goes to the engine now. */
  markRunning(exec: Execution): void {
    const { record } = exec
    if (record.status !== 'queued') return
    record.status = 'running'
    record.startTime = new Date()
    this.ctx.queryLog.touch(record)
    const translation = exec.prepared?.translation
    const hasEffects = translation !== undefined && (translation.effect ?? translation.effects) !== undefined
    for (const effect of hasEffects ? statementEffects(translation) : []) {
      // Registered before the CANCEL runs: the cancelled statement's error can come back before it ends.
      if (effect.type === 'cancel') {
        const target = this.ctx.sessions.get(effect.pid)
        if (effect.message !== null) this.ctx.cancelMessages.set(effect.pid, effect.message)
        if (target?.cancelQueued(effect.message ?? undefined) === true)
          this.ctx.cancelMessages.take(effect.pid)
      }
    }
    const limit = exec.queue.maxExecutionTimeMs
    if (limit > 0 && exec.record.slotCount > 0) {
      const { pid, secretKey } = this.identity
      exec.timer = setTimeout(() => {
        exec.abort?.({ message: undefined })
        void forwardCancel(this.ctx.engineSocket, buildCancelRequest(pid, secretKey))
      }, limit)
      exec.timer.unref()
    }
  }

  /** The statement ended (`tag` on success, `error` otherwise). */
  finish(
    exec: Execution,
    status: Exclude<QueryStatus, 'queued' | 'running'>,
    tag?: string,
    error?: string,
  ): void {
    if (exec.finished) return
    exec.finished = true
    if (exec.timer !== undefined) clearTimeout(exec.timer)
    exec.release?.()
    exec.release = undefined
    exec.wait?.abort(new Error(''))
    const { record } = exec
    record.status = status
    record.endTime = new Date()
    if (record.status === 'success' && tag !== undefined) record.rowsAffected = rowsFromTag(tag)
    if (error !== undefined) {
      record.errorMessage = error
      this.#errorSinceReady = true
    }
    if (tag !== undefined) this.#lastTag = tag
    if (status === 'success' && exec.prepared?.translation) this.#applyEffects(exec)
    if (exec.counted) this.lastQueryId = record.queryId
    if (exec.portal?.active === exec) exec.portal.active = undefined
    if (this.current === exec) this.current = undefined
    this.ctx.queryLog.touch(record)
    exec.done?.(status === 'success')
  }

  /** An error outside any execution (Parse, Bind, commit at Sync): the transaction will roll back. */
  noteError(): void {
    this.#errorSinceReady = true
  }

  /** A row-limited Execute stopped (PortalSuspended): the statement stays running, its slot is returned. */
  suspend(exec: Execution): void {
    exec.release?.()
    exec.release = undefined
    if (exec.portal !== undefined) exec.portal.active = exec
    this.ctx.queryLog.touch(exec.record)
    exec.done?.(true)
  }

  #applyEffects(exec: Execution): void {
    const translation = exec.prepared?.translation
    if (translation === undefined) return
    for (const effect of statementEffects(translation)) {
      if (effect.type === 'setting') {
        this.#settingsChanged = true
        this.settings[effect.name] = effect.value ?? REDSHIFT_SETTING_DEFAULTS[effect.name]
        if (effect.local === true) this.#localSettings.add(effect.name)
      } else if (effect.type === 'createTable' && this.identity.database === this.ctx.adminDatabase) {
        this.ctx.queryLog.tableAttributes(effect.attributes)
      }
    }
  }

  /** ReadyForQuery: at the end of a transaction, settings are kept (commit) or restored (rollback). */
  ready(status: number, syncGeneration: number | undefined): void {
    if (status === READY_IDLE) {
      // Copies only when a setting changed in the transaction (most end with none changed).
      if (!this.#settingsChanged) {
        // Nothing to keep or restore.
      } else if (this.#errorSinceReady || this.#lastTag === 'ROLLBACK') {
        this.settings = { ...this.#committed }
      } else {
        for (const name of this.#localSettings) this.settings[name] = this.#committed[name]
        this.#committed = { ...this.settings }
      }
      this.#settingsChanged = false
      this.#localSettings.clear()
      if (this.#xidOpen) this.ctx.noteTransactionEnd(this.#xid, this.identity.pid)
      this.#xidOpen = false
      // Portals die with their transaction; a row-limited statement the client stopped reading ends here.
      if (syncGeneration !== undefined) {
        for (const [name, portal] of this.portals) {
          if (portal.syncGeneration > syncGeneration) continue
          if (portal.active !== undefined) this.finish(portal.active, 'success')
          this.portals.delete(name)
        }
      }
    }
    this.#errorSinceReady = false
    this.#lastTag = ''
  }

  /** The session ended: everything still queued or running is recorded as cancelled. */
  abandon(executions: Iterable<Execution>): void {
    for (const exec of executions) this.finish(exec, 'canceled', undefined, 'the client disconnected')
    for (const portal of this.portals.values()) {
      if (portal.active !== undefined) this.finish(portal.active, 'success')
    }
    if (this.current !== undefined)
      this.finish(this.current, 'canceled', undefined, 'the client disconnected')
  }
}

/** The text the query log keeps: at most MAX_LOGGED_QUERY_TEXT characters, never half a surrogate pair. */
function loggedText(text: string): string {
  if (text.length <= MAX_LOGGED_QUERY_TEXT) return text
  const high = text.charCodeAt(MAX_LOGGED_QUERY_TEXT - 1)
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_LOGGED_QUERY_TEXT - 1 : MAX_LOGGED_QUERY_TEXT)
}
