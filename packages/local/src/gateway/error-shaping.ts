/**
 * Engine errors reshaped as Redshift raises them. Only the fields Redshift words differently change;
 * every other field (position, hint, schema, table, ...) is kept.
 */
import { buildNoticeFrame, type NoticeFields, noticeField, parseNoticeFields } from './protocol/backend.js'

/** What the shaping needs to know about the statement that failed. */
export interface ErrorContext {
  /** Query id of the failed statement (or the session's last one when none was running). */
  readonly queryId: number
  readonly pid: number
  /** The message given with `CANCEL <pid> 'message'`, when that is what cancelled it (consumed). */
  readonly takeCancelMessage: () => string | undefined
  /** Transaction ids for the serialization-failure detail: the session's, and another one (or 0). */
  readonly xid: number
  readonly otherXid: number
}

/** The result of shaping: the frame to send, and what the query log records. */
export interface ShapedError {
  readonly frame: Buffer
  readonly sqlstate: string
  readonly message: string
  /** True for cancellations and timeouts (status `canceled` rather than `failed`). */
  readonly canceled: boolean
}

const replace = (fields: NoticeFields, code: string, value: string): void => {
  const at = fields.findIndex(([c]) => c === code)
  if (at >= 0) fields[at] = [code, value]
  else fields.push([code, value])
}

/**
 * Reshapes an ErrorResponse frame from the engine; returns the original frame when nothing changes.
 *
 * @example
 * shapeError(frame, { queryId: 1042, pid: 77, takeCancelMessage: () => undefined, xid: 9, otherXid: 0 })
 * // 57014 -> M "Query (1042) cancelled on user's request"
 */
export function shapeError(frame: Buffer, ctx: ErrorContext): ShapedError {
  const fields = parseNoticeFields(frame)
  const sqlstate = noticeField(fields, 'C') ?? 'XX000'
  const message = noticeField(fields, 'M') ?? ''
  if (sqlstate === '40001') {
    replace(fields, 'C', 'XX000')
    replace(fields, 'M', '1023')
    replace(
      fields,
      'D',
      `Serializable isolation violation on table - 0, transactions forming the cycle are: ${ctx.xid}, ${ctx.otherXid} (pid:${ctx.pid})`,
    )
    dropHint(fields)
    return { frame: buildNoticeFrame(fields), sqlstate: 'XX000', message: '1023', canceled: false }
  }
  if (sqlstate === '57014') {
    const text = ctx.takeCancelMessage() ?? `Query (${ctx.queryId}) cancelled on user's request`
    replace(fields, 'M', text)
    return { frame: buildNoticeFrame(fields), sqlstate, message: text, canceled: true }
  }
  return { frame, sqlstate, message, canceled: false }
}

/** PostgreSQL's hint ("The transaction might succeed if retried.") is not what Redshift says. */
function dropHint(fields: NoticeFields): void {
  const at = fields.findIndex(([c]) => c === 'H')
  if (at >= 0) fields.splice(at, 1)
}
