/**
 * The engine's side of a session: each message the gateway forwards (or makes) leaves an expectation
 * of what the engine answers, in order; answers are matched to them, counted, reshaped where Redshift
 * differs, and passed on. DataRows, the bulk of the traffic, are only counted and forwarded.
 */
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
  remapParameterDescription,
} from '../protocol/backend.js'
import { Backend } from '../protocol/codes.js'
import type { Frame } from '../protocol/framing.js'
import { buildCopyFail } from '../protocol/frontend.js'
import { rewriteParameterStatus } from '../startup-params.js'
import type { Execution } from './execution.js'
import type { SessionState } from './session-state.js'

/** What the engine owes for one forwarded message. */
export type Expectation =
  /** ParseComplete / BindComplete / CloseComplete; `hidden` when the gateway sent it on its own behalf. */
  | { readonly kind: 'parse' | 'bind' | 'close'; readonly hidden: boolean }
  /**
   * ParameterDescription?, then RowDescription or NoData. `simple`: part of a simple Query, where the
   * client expects RowDescription only for row-returning statements.
   */
  | { readonly kind: 'describe'; readonly noRows: boolean; readonly simple: boolean }
  | { readonly kind: 'execute'; readonly exec: Execution }
  | { readonly kind: 'sync'; readonly generation: number }
  /** A message forwarded as is (empty Query, FunctionCall): everything up to ReadyForQuery. */
  | { readonly kind: 'passthrough' }

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
export class ResponseRouter {
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

  /** Executions still owed an answer (for the session's teardown). */
  pendingExecutions(): Execution[] {
    return this.queue.flatMap((e) => (e.kind === 'execute' ? [e.exec] : []))
  }

  handle(f: Frame): void {
    const head = this.queue[0]
    const type = f.type
    if (type === Backend.DataRow) {
      if (head?.kind === 'execute') {
        const exec = head.exec
        exec.record.returnedRows++
        exec.record.returnedBytes += f.frame.length - 5
        if (exec.copyOut || exec.prepared?.translation?.response?.noRows === true) return
      }
      this.#toClient.push(f.frame)
      return
    }
    switch (type) {
      case Backend.NoticeResponse:
      case Backend.NotificationResponse:
        this.#toClient.push(f.frame)
        return
      case Backend.ParameterStatus: {
        const rewritten = rewriteParameterStatus(f.frame)
        if (rewritten !== undefined) this.#toClient.push(rewritten)
        return
      }
      case Backend.ErrorResponse:
        this.#error(f.frame)
        return
    }
    if (head === undefined) {
      this.#toClient.push(f.frame)
      return
    }
    switch (head.kind) {
      case 'parse':
      case 'bind':
      case 'close':
        this.queue.shift()
        if (!head.hidden) this.#toClient.push(f.frame)
        return
      case 'describe':
        this.#describe(f, head)
        return
      case 'execute':
        this.#execute(f, head.exec)
        return
      case 'sync':
      case 'passthrough':
        if (type === Backend.ReadyForQuery) {
          this.queue.shift()
          this.#state.ready(f.frame[5] as number, head.kind === 'sync' ? head.generation : undefined)
        } else if (type === Backend.CopyInResponse) {
          this.#sendEngine(buildCopyFail('COPY FROM STDIN is not supported'))
          return
        }
        this.#toClient.push(f.frame)
        return
    }
  }

  #describe(f: Frame, head: Extract<Expectation, { kind: 'describe' }>): void {
    const { typeMap } = this.#state.ctx
    if (f.type === Backend.ParameterDescription) {
      this.#toClient.push(
        typeMap.size === 0 ? f.frame : (remapParameterDescription(f.frame, typeMap) ?? f.frame),
      )
      return
    }
    this.queue.shift()
    if (f.type === Backend.NoData) {
      if (!head.simple) this.#toClient.push(f.frame)
      return
    }
    if (head.noRows) {
      if (!head.simple) this.#toClient.push(NO_DATA)
      return
    }
    this.#toClient.push(f.type === Backend.RowDescription ? this.#rowDescription(f.frame) : f.frame)
  }

  /** Redshift type OIDs where the engine's differ, and upper-case names when the session asks for them. */
  #rowDescription(frame: Buffer): Buffer {
    const { typeMap } = this.#state.ctx
    const upper = ['on', 'true'].includes(this.#state.settings.describe_field_name_in_uppercase.toLowerCase())
    if (typeMap.size === 0 && !upper) return frame
    const fields = parseRowDescription(frame)
    let changed = false
    for (const field of fields) {
      const mapped = typeMap.get(field.typeOid)
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

  #execute(f: Frame, exec: Execution): void {
    const state = this.#state
    switch (f.type) {
      case Backend.CommandComplete: {
        this.queue.shift()
        if (exec.copyOut) {
          state.finish(exec, 'failed', undefined, 'COPY TO STDOUT is not supported')
          this.#toClient.push(COPY_OUT_REFUSED)
          return
        }
        const tag = parseCommandTag(f.frame)
        state.finish(exec, 'success', tag)
        const override = exec.prepared?.translation?.response?.commandTag
        this.#toClient.push(override === undefined ? f.frame : buildCommandComplete(override))
        return
      }
      case Backend.EmptyQueryResponse:
        this.queue.shift()
        state.finish(exec, 'success')
        this.#toClient.push(f.frame)
        return
      case Backend.PortalSuspended:
        this.queue.shift()
        state.suspend(exec)
        this.#toClient.push(f.frame)
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
        this.#toClient.push(f.frame)
        return
      default:
        this.#toClient.push(f.frame)
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
    let blamed = exec !== undefined
    this.#toClient.push(out)
    if (severity === 'FATAL' || severity === 'PANIC') {
      this.#closeAfterFlush()
      return
    }
    // The engine now skips every message up to the next Sync: so do the expectations.
    if (head !== undefined && head.kind !== 'sync' && head.kind !== 'passthrough') this.queue.shift()
    for (;;) {
      const next = this.queue[0]
      if (next === undefined) {
        state.engineSkipping = true
        return
      }
      if (next.kind === 'sync' || next.kind === 'passthrough') return
      this.queue.shift()
      if (next.kind === 'execute') {
        // The first execution after a failed Parse/Bind/Describe is the statement that failed.
        const why = blamed ? 'not executed: an earlier message of the batch failed' : message
        state.finish(next.exec, canceled && !blamed ? 'canceled' : 'failed', undefined, why)
        blamed = true
      }
    }
  }
}
