/**
 * What one session remembers between messages: Redshift settings, transaction bookkeeping, prepared
 * statements and portals, and the life of each execution (WLM slot, query log record, effects).
 */
import { statementEffects } from '@redshift-kit/dialect'
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
import { maskSecrets } from '../secret-mask.js'
import type { Execution, PortalState, Prepared } from './execution.js'
import { rowsFromTag } from './execution.js'
import { SessionSettings, type Settings } from './session-settings.js'

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

const READY_IDLE = 0x49 // 'I'

/** A portal, with the Sync count when it was bound (it dies at the end of that transaction). */
export interface BoundPortal extends PortalState {
  readonly syncGeneration: number
  /** A leader statement's portal, which only the gateway knows: its column's format code. */
  readonly leaderFormat?: number
}

/** The transaction status byte of the last ReadyForQuery: idle, in a block, or in a failed block. */
export type TransactionStatus = 'I' | 'T' | 'E'

/** The state of one session, shared by its client side and its engine side. */
export class SessionState {
  readonly ctx: GatewayContext
  readonly identity: SessionIdentity
  readonly #settings = new SessionSettings()
  lastQueryId = -1
  /**
   * The id of the last counted statement sent to the engine, finished or not. A client may pipeline a
   * statement and `select pg_last_query_id()` before either is answered; statements of a session run in
   * order, so by the time the second runs, this one is the session's last completed query.
   */
  lastSentQueryId = -1
  readonly statements = new Map<string, Prepared>()
  readonly portals = new Map<string, BoundPortal>()
  /**
   * Executions begun at the Parse of a statement reading system views (under Redshift's SERIALIZABLE,
   * the engine takes the transaction's snapshot there), waiting for a Bind of the same batch; by name.
   */
  readonly parsedReads = new Map<string, Execution>()
  /** Syncs sent so far. */
  syncGeneration = 0
  /** The engine discards messages until the next Sync (it reported an error in an extended batch). */
  engineSkipping = false
  /** The execution waiting for WLM or running, if any. */
  current: Execution | undefined
  /**
   * The gateway answered a statement of an extended batch with an error itself (a leader-node statement
   * in a failed transaction): it drops the client's messages up to the next Sync, as the engine would.
   */
  gatewaySkipping = false
  /** The status of the last ReadyForQuery, and its Sync generation. */
  #readyStatus: TransactionStatus = 'I'
  #readyGeneration = 0
  /** Syncs sent before the last BEGIN / START TRANSACTION sent; -1 when none. */
  #blockOpenedAt = -1
  /** A statement succeeded in a failed transaction block (ROLLBACK, ROLLBACK TO SAVEPOINT): it left it. */
  #leftFailedBlock = false
  #xid = 0
  #xidOpen = false
  #errorSinceReady = false
  #lastTag = ''
  constructor(ctx: GatewayContext, identity: SessionIdentity) {
    this.ctx = ctx
    this.identity = identity
  }

  /** The Redshift-only settings as a statement sent now sees them (session-settings.ts). */
  get settings(): Settings {
    return this.#settings.current
  }

  get xid(): number {
    return this.#xid
  }

  /** The query group for labels and routing, or undefined when unset. */
  get queryGroup(): string | undefined {
    const g = this.settings.query_group
    return g === '' || g === 'unset' ? undefined : g
  }

  /** Column names go to the client upper-cased (describe_field_name_in_uppercase). */
  get upperCaseNames(): boolean {
    const setting = this.settings.describe_field_name_in_uppercase
    return setting !== 'off' && (setting.toLowerCase() === 'on' || setting.toLowerCase() === 'true')
  }

  /**
   * An explicit transaction block may be open where the engine is now (so a statement could fail for
   * being in a failed one): the last ReadyForQuery said so, or a BEGIN was sent after its Sync.
   */
  get mayBeInBlock(): boolean {
    return this.#readyStatus !== 'I' || this.#blockOpenedAt >= this.#readyGeneration
  }

  /**
   * The engine is in a failed transaction block, where every statement but one ending it fails with
   * 25P02. Exact only once every message sent before has been answered.
   */
  get inFailedBlock(): boolean {
    return this.#readyStatus === 'E' && !this.#leftFailedBlock
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
    const lastQueryIdBefore = Math.max(this.lastQueryId, this.lastSentQueryId)
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
      queryText: loggedText(maskSecrets(prepared?.original ?? '')),
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
      lastQueryIdBefore,
    }
    this.current = exec
    ctx.queryLog.touch(record)
    return exec
  }

  /**
   * Everything before the statement may run: a WLM slot (control statements need none) and, for a
   * statement reading system views, a flush of the bookkeeping once every message sent before it has
   * been answered (`drained`: so every statement that ends before it in the engine is written as ended).
   * Undefined when nothing had to wait. When the engine turns out to be skipping to the next Sync after
   * `drained`, nothing is flushed and the statement is left queued: the caller sees `engineSkipping`.
   */
  admit(exec: Execution, drained: () => Promise<void>): Promise<void> | undefined {
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
      const flush = async (): Promise<void> => {
        await drained()
        if (this.engineSkipping || exec.finished) return
        this.markRunning(exec)
        await this.ctx.queryLog.flush()
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
    if (exec.raise === undefined && exec.prepared?.opensBlock === true)
      this.#blockOpenedAt = this.syncGeneration
    for (const effect of hasEffects ? statementEffects(translation) : []) {
      if (effect.type === 'setting' && exec.raise === undefined) {
        this.#settings.change(exec, effect.name, effect.value, effect.local === true, this.syncGeneration)
      }
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
    if (status === 'success') {
      if (this.#readyStatus === 'E') this.#leftFailedBlock = true
      if (exec.prepared?.translation) this.#recordTables(exec)
    } else {
      this.#settings.undo(exec)
    }
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

  #recordTables(exec: Execution): void {
    const translation = exec.prepared?.translation
    if (translation === undefined || (translation.effect ?? translation.effects) === undefined) return
    for (const effect of statementEffects(translation)) {
      if (effect.type === 'createTable' && this.identity.database === this.ctx.adminDatabase) {
        this.ctx.queryLog.tableAttributes(effect.attributes)
      }
    }
  }

  /**
   * ReadyForQuery for the Sync of `generation` (undefined: a message outside the Sync numbering). At
   * the end of a transaction, the changes of its statements are kept (commit; SET LOCAL ones end) or
   * dropped (rollback); portals bound before that Sync die with it.
   */
  ready(status: number, generation: number | undefined): void {
    this.#readyStatus = status === READY_IDLE ? 'I' : status === 0x45 ? 'E' : 'T'
    this.#leftFailedBlock = false
    if (generation !== undefined) this.#readyGeneration = generation
    if (status === READY_IDLE) {
      this.#settings.transactionEnded(generation, this.#errorSinceReady || this.#lastTag === 'ROLLBACK')
      if (this.#xidOpen) this.ctx.noteTransactionEnd(this.#xid, this.identity.pid)
      this.#xidOpen = false
      // Portals die with their transaction; a row-limited statement the client stopped reading ends here.
      if (generation !== undefined) {
        for (const [name, portal] of this.portals) {
          // Bound after this Sync was sent: in a later transaction.
          if (portal.syncGeneration >= generation) continue
          this.dropPortal(portal)
          this.portals.delete(name)
        }
      }
    }
    this.#errorSinceReady = false
    this.#lastTag = ''
  }

  /**
   * A portal goes away (rebound, closed, or its transaction ended): a row-limited statement the client
   * stopped reading ends there, and one bound but never executed is recorded as cancelled.
   */
  dropPortal(portal: PortalState): void {
    if (portal.active !== undefined) this.finish(portal.active, 'success')
    const pending = portal.pending
    if (pending !== undefined) {
      portal.pending = undefined
      this.forget(pending)
    }
  }

  /** The execution begun at the Parse of `name` was not bound in its batch: it never runs. */
  dropParsed(name: string): void {
    const exec = this.parsedReads.get(name)
    if (exec === undefined) return
    this.parsedReads.delete(name)
    this.forget(exec)
  }

  /** Every execution begun at a Parse and not bound (the batch ended). */
  dropAllParsed(): void {
    for (const name of [...this.parsedReads.keys()]) this.dropParsed(name)
  }

  /**
   * An execution begun ahead of its Execute that never came (the client only parsed, bound or described
   * the statement): it was no query, so its record goes and the session's ids are as if it never was.
   */
  forget(exec: Execution): void {
    if (exec.finished) return
    exec.finished = true
    if (exec.timer !== undefined) clearTimeout(exec.timer)
    exec.release?.()
    exec.release = undefined
    exec.wait?.abort(new Error(''))
    if (this.lastSentQueryId === exec.record.queryId) this.lastSentQueryId = exec.lastQueryIdBefore
    if (this.current === exec) this.current = undefined
    this.ctx.queryLog.forget(exec.record)
  }

  /** The session ended: everything still queued or running is recorded as cancelled. */
  abandon(executions: Iterable<Execution>): void {
    for (const exec of executions) this.finish(exec, 'canceled', undefined, 'the client disconnected')
    for (const portal of this.portals.values()) this.dropPortal(portal)
    this.dropAllParsed()
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
