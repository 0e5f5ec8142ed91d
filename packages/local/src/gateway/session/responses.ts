/**
 * The engine's side of a session: each message the gateway forwards (or makes) leaves an expectation
 * of what the engine answers, in order; answers are matched to them, counted, reshaped where Redshift
 * differs, and passed on. DataRows, the bulk of the traffic, are only counted and forwarded.
 */

import { GatewayCommandError } from '../command-executor.js'
import { shapeError } from '../error-shaping.js'
import type { Outbox } from '../outbox.js'
import {
  buildCommandComplete,
  buildNotice,
  buildRowDescription,
  NO_DATA,
  noticeField,
  parseCommandTag,
  parseNoticeFields,
  parseRowDescription,
  redshiftTypeOid,
  remapParameterDescription,
  rowDescriptionNeedsRewrite,
} from '../protocol/backend.js'
import type { BackendHandler } from '../protocol/backend-scanner.js'
import { Backend } from '../protocol/codes.js'
import { buildCopyFail } from '../protocol/frontend.js'
import { rewriteParameterStatus } from '../startup-params.js'
import type { Execution } from './execution.js'
import type { InternalQuery } from './internal-query.js'
import type { SessionState } from './session-state.js'

/** What the engine owes for one forwarded message. */
export type Expectation =
  /** ParseComplete / BindComplete / CloseComplete; `hidden` when the gateway sent it on its own behalf. */
  | { readonly kind: 'parse' | 'bind' | 'close'; readonly hidden: boolean }
  /**
   * ParameterDescription?, then RowDescription or NoData. `simple`: part of a simple Query, where the
   * client expects RowDescription only for row-returning statements. `upper`: column names upper-cased
   * (describe_field_name_in_uppercase as of when the Describe was sent).
   */
  | {
      readonly kind: 'describe'
      readonly noRows: boolean
      readonly simple: boolean
      readonly upper: boolean
    }
  | { readonly kind: 'execute'; readonly exec: Execution }
  /** ReadyForQuery of the Sync (or message forwarded as is) numbered `generation`. */
  | { readonly kind: 'sync'; readonly generation: number }
  /** A message forwarded as is (empty Query, FunctionCall): everything up to ReadyForQuery. */
  | { readonly kind: 'passthrough'; readonly generation: number }
  /** A statement the gateway runs for itself (internal-query.ts): its whole answer goes to `query`. */
  | { readonly kind: 'internal'; readonly query: InternalQuery }
  /**
   * The gateway's answer to a message it did not forward (a leader-node statement): written to the
   * client once every earlier message is answered, or dropped when the engine skips to the next Sync.
   */
  | { readonly kind: 'answer'; readonly frames: readonly Buffer[] }
  /**
   * An Execute the gateway sent ahead of the client's statement (setting rk.last_query_id): its rows
   * and CommandComplete are not shown; its error is shown as the statement's own.
   */
  | { readonly kind: 'hidden' }

const COPY_IN_REFUSED = buildNotice({
  severity: 'ERROR',
  code: '0A000',
  message: 'COPY FROM STDIN is not supported: Redshift loads data with COPY from Amazon S3',
})
const COPY_OUT_REFUSED = buildNotice({
  severity: 'ERROR',
  code: '0A000',
  message: 'COPY TO STDOUT is not supported: Redshift exports data with UNLOAD to Amazon S3',
})

/** Matches the engine's messages to expectations and writes the client's view of them. */
export class ResponseRouter implements BackendHandler {
  readonly #state: SessionState
  readonly #toClient: Outbox
  readonly #sendEngine: (frame: Buffer) => void
  readonly #closeAfterFlush: () => void
  readonly queue: Expectation[] = []

  constructor(
    state: SessionState,
    toClient: Outbox,
    sendEngine: (frame: Buffer) => void,
    closeAfterFlush: () => void,
  ) {
    this.#state = state
    this.#toClient = toClient
    this.#sendEngine = sendEngine
    this.#closeAfterFlush = closeAfterFlush
  }

  expect(e: Expectation): void {
    this.queue.push(e)
  }

  /**
   * Answers a message the gateway did not forward: at once when nothing earlier is owed, else in turn.
   * The caller flushes the client outbox.
   */
  answer(frames: readonly Buffer[]): void {
    if (this.queue.length > 0) {
      this.queue.push({ kind: 'answer', frames })
      return
    }
    for (const f of frames) this.#toClient.push(f)
  }

  /** The head was answered: the next one goes, and gateway answers now in turn are written. */
  #shift(): void {
    this.queue.shift()
    for (let head = this.queue[0]; head?.kind === 'answer'; head = this.queue[0]) {
      this.queue.shift()
      for (const f of head.frames) this.#toClient.push(f)
    }
  }

  /** Executions still owed an answer (for the session's teardown). */
  pendingExecutions(): Execution[] {
    return this.queue.flatMap((e) => (e.kind === 'execute' ? [e.exec] : []))
  }

  /** The session is closing: internal statements still owed an answer fail. */
  abandonInternal(): void {
    for (const e of this.queue) {
      if (e.kind === 'internal') e.query.fail(connectionClosed())
    }
  }

  bulkRows(): boolean {
    const kind = this.queue[0]?.kind
    return kind !== 'internal' && kind !== 'hidden'
  }

  /** DataRows, whole or in part: counted against the running statement and forwarded (or dropped). */
  rows(chunk: Buffer, start: number, end: number, rows: number, bodyBytes: number): void {
    const head = this.queue[0]
    if (head?.kind === 'execute') {
      const exec = head.exec
      const record = exec.record
      record.returnedRows += rows
      record.returnedBytes += bodyBytes
      if (exec.copyOut || exec.prepared?.translation?.response?.noRows === true) return
    }
    this.#toClient.pushRange(chunk, start, end)
  }

  message(type: number, frame: Buffer): void {
    const head = this.queue[0]
    if (head?.kind === 'internal') {
      this.#internal(type, frame, head.query)
      return
    }
    if (head?.kind === 'hidden' && this.#hidden(type)) return
    if (type === Backend.DataRow) {
      this.rows(frame, 0, frame.length, 1, frame.length - 5)
      return
    }
    switch (type) {
      case Backend.NoticeResponse:
      case Backend.NotificationResponse:
        this.#toClient.push(frame)
        return
      case Backend.ParameterStatus: {
        const rewritten = rewriteParameterStatus(frame)
        if (rewritten !== undefined) this.#toClient.push(rewritten)
        return
      }
      case Backend.ErrorResponse:
        this.#error(frame)
        return
    }
    if (head === undefined) {
      this.#toClient.push(frame)
      return
    }
    switch (head.kind) {
      case 'parse':
      case 'bind':
      case 'close':
        if (!head.hidden) this.#toClient.push(frame)
        this.#shift()
        return
      case 'describe':
        this.#describe(type, frame, head)
        return
      case 'execute':
        this.#execute(type, frame, head.exec)
        return
      case 'sync':
      case 'passthrough':
        if (type === Backend.ReadyForQuery) {
          this.#state.ready(frame[5] as number, head.generation)
          this.#toClient.push(frame)
          this.#shift()
          return
        }
        if (type === Backend.CopyInResponse) {
          this.#sendEngine(buildCopyFail('COPY FROM STDIN is not supported'))
          return
        }
        this.#toClient.push(frame)
        return
      case 'hidden':
      case 'answer':
        // Not reached: handled above, or written when it became the head.
        this.#toClient.push(frame)
        return
    }
  }

  /** The answer to a hidden Execute, but its error (true when `type` was dealt with). */
  #hidden(type: number): boolean {
    switch (type) {
      case Backend.CommandComplete:
      case Backend.EmptyQueryResponse:
      case Backend.PortalSuspended:
        this.#shift()
        return true
      case Backend.DataRow:
      case Backend.RowDescription:
      case Backend.NoData:
        return true
      default:
        return false
    }
  }

  /** The answer to an internal statement: collected, never shown to the client (notices included). */
  #internal(type: number, frame: Buffer, query: InternalQuery): void {
    switch (type) {
      case Backend.RowDescription:
        query.rowDescription(frame)
        return
      case Backend.DataRow:
        query.dataRow(frame)
        return
      case Backend.CommandComplete:
        this.#shift()
        query.complete(parseCommandTag(frame))
        return
      case Backend.EmptyQueryResponse:
      case Backend.PortalSuspended:
        this.#shift()
        query.complete('')
        return
      case Backend.ErrorResponse:
        this.queue.shift()
        query.error(frame)
        this.#state.noteError()
        this.#skipToSync(undefined, '', false, false)
        return
      case Backend.ParameterStatus: {
        const rewritten = rewriteParameterStatus(frame)
        if (rewritten !== undefined) this.#toClient.push(rewritten)
        return
      }
      case Backend.CopyInResponse:
        // A command's copyIn streams its data now; any other internal COPY FROM STDIN is refused.
        if (!query.copyIn()) this.#sendEngine(buildCopyFail('COPY FROM STDIN is not supported'))
        return
      default:
        // ParseComplete, BindComplete, CloseComplete, NoData, notices, CopyOut data: nothing to tell.
        return
    }
  }

  #describe(type: number, frame: Buffer, head: Extract<Expectation, { kind: 'describe' }>): void {
    const { typeMap } = this.#state.ctx
    if (type === Backend.ParameterDescription) {
      this.#toClient.push(typeMap.size === 0 ? frame : (remapParameterDescription(frame, typeMap) ?? frame))
      return
    }
    if (type === Backend.NoData) {
      if (!head.simple) this.#toClient.push(frame)
    } else if (head.noRows) {
      if (!head.simple) this.#toClient.push(NO_DATA)
    } else {
      this.#toClient.push(type === Backend.RowDescription ? this.#rowDescription(frame, head.upper) : frame)
    }
    this.#shift()
  }

  /** Redshift type OIDs where the engine's differ, and upper-case names when the session asks for them. */
  #rowDescription(frame: Buffer, upper: boolean): Buffer {
    const { typeMap } = this.#state.ctx
    if (!rowDescriptionNeedsRewrite(frame, typeMap, upper)) return frame
    const fields = parseRowDescription(frame)
    let changed = false
    for (const field of fields) {
      const mapped = redshiftTypeOid(typeMap, field.typeOid, field.typeModifier)
      if (mapped !== undefined) {
        field.typeOid = mapped
        changed = true
      }
      if (upper && field.name !== field.name.toUpperCase()) {
        field.name = field.name.toUpperCase()
        changed = true
      }
    }
    return changed ? buildRowDescription(fields) : frame
  }

  #execute(type: number, frame: Buffer, exec: Execution): void {
    const state = this.#state
    switch (type) {
      case Backend.CommandComplete: {
        if (exec.copyOut) {
          state.finish(exec, 'failed', undefined, 'COPY TO STDOUT is not supported')
          this.#toClient.push(COPY_OUT_REFUSED)
          this.#shift()
          return
        }
        const tag = parseCommandTag(frame)
        state.finish(exec, 'success', tag)
        const override = exec.prepared?.translation?.response?.commandTag
        this.#toClient.push(override === undefined ? frame : buildCommandComplete(override))
        this.#shift()
        return
      }
      case Backend.EmptyQueryResponse:
        state.finish(exec, 'success')
        this.#toClient.push(frame)
        this.#shift()
        return
      case Backend.PortalSuspended:
        state.suspend(exec)
        this.#toClient.push(frame)
        this.#shift()
        return
      case Backend.CopyInResponse:
        exec.copyRefused = true
        this.#sendEngine(buildCopyFail('COPY FROM STDIN is not supported'))
        return
      case Backend.CopyOutResponse:
        exec.copyOut = true
        return
      case Backend.CopyData:
      case Backend.CopyDone:
        if (exec.copyOut) return
        this.#toClient.push(frame)
        return
      default:
        this.#toClient.push(frame)
    }
  }

  #error(frame: Buffer): void {
    const state = this.#state
    const head = this.queue[0]
    const exec = head?.kind === 'execute' ? head.exec : undefined
    const fields = parseNoticeFields(frame)
    const severity = noticeField(fields, 'V') ?? noticeField(fields, 'S') ?? 'ERROR'
    let out: Buffer
    let message: string
    let canceled = false
    if (exec?.raise !== undefined) {
      out = buildNotice(exec.raise)
      message = exec.raise.message
      canceled = exec.raise.code === '57014'
    } else if (exec?.copyRefused === true) {
      out = COPY_IN_REFUSED
      message = 'COPY FROM STDIN is not supported'
    } else {
      const pid = state.identity.pid
      const shaped = shapeError(frame, {
        queryId: exec?.record.queryId ?? state.current?.record.queryId ?? state.lastQueryId,
        pid,
        takeCancelMessage: () => state.ctx.cancelMessages.take(pid),
        xid: state.xid,
        otherXid: state.ctx.otherXid(pid),
      })
      out = shaped.frame
      message = shaped.message
      canceled = shaped.canceled
    }
    if (exec !== undefined) state.finish(exec, canceled ? 'canceled' : 'failed', undefined, message)
    else state.noteError()
    this.#toClient.push(out)
    if (severity === 'FATAL' || severity === 'PANIC') {
      this.#closeAfterFlush()
      return
    }
    if (head !== undefined && head.kind !== 'sync' && head.kind !== 'passthrough') this.queue.shift()
    this.#skipToSync(exec, message, canceled, true)
  }

  /**
   * After an error the engine skips every message up to the next Sync: so do the expectations. The
   * first execution after a failed Parse/Bind/Describe is the statement that failed (`blame`).
   */
  #skipToSync(failed: Execution | undefined, message: string, canceled: boolean, blame: boolean): void {
    const state = this.#state
    let blamed = failed !== undefined || !blame
    for (;;) {
      const next = this.queue[0]
      if (next === undefined) {
        state.engineSkipping = true
        return
      }
      if (next.kind === 'sync' || next.kind === 'passthrough') return
      this.queue.shift()
      if (next.kind === 'execute') {
        const why = blamed ? 'not executed: an earlier message of the batch failed' : message
        state.finish(next.exec, canceled && !blamed ? 'canceled' : 'failed', undefined, why)
        blamed = true
      } else if (next.kind === 'internal') {
        next.query.fail(transactionAborted())
      }
    }
  }
}

function connectionClosed(): GatewayCommandError {
  return new GatewayCommandError('08006', 'the connection to the engine closed')
}

/** What the engine says of a statement sent after an error, before the next Sync. */
function transactionAborted(): GatewayCommandError {
  return new GatewayCommandError(
    '25P02',
    'current transaction is aborted, commands ignored until end of transaction block',
  )
}
