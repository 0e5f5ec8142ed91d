/**
 * The messages the gateway answers a leader-node statement with (`SELECT pg_last_query_id()`), in place
 * of the engine: Redshift's leader node answers it without running a query, so it gets no query id
 * and no log record, and the engine never sees it.
 */
import type { LeaderOnlyStatement } from '@redshift-kit/dialect'
import { buildCommandComplete, buildNotice, buildRowDescription } from '../protocol/backend.js'
import { Backend } from '../protocol/codes.js'
import { MessageWriter } from '../protocol/writer.js'

/** int4, the type of `pg_last_query_id()`. */
const INT4_OID = 23

export const PARSE_COMPLETE: Buffer = new MessageWriter().finish(Backend.ParseComplete)
export const BIND_COMPLETE: Buffer = new MessageWriter().finish(Backend.BindComplete)
export const CLOSE_COMPLETE: Buffer = new MessageWriter().finish(Backend.CloseComplete)
/** ParameterDescription of a statement without parameters. */
export const NO_PARAMETERS: Buffer = new MessageWriter().int16(0).finish(Backend.ParameterDescription)
const SELECT_1: Buffer = buildCommandComplete('SELECT 1')

/** What the engine answers any statement but COMMIT / ROLLBACK with in a failed transaction block. */
export const IN_FAILED_TRANSACTION: Buffer = buildNotice({
  severity: 'ERROR',
  code: '25P02',
  message: 'current transaction is aborted, commands ignored until end of transaction block',
})

/** The RowDescription of a leader statement's one column; `format` 1 is binary. */
export function leaderRowDescription(statement: LeaderOnlyStatement, upper: boolean, format = 0): Buffer {
  return buildRowDescription([
    {
      name: upper ? statement.column.toUpperCase() : statement.column,
      tableOid: 0,
      columnNumber: 0,
      typeOid: INT4_OID,
      typeSize: 4,
      typeModifier: -1,
      format,
    },
  ])
}

/** The DataRow and CommandComplete of a leader statement whose value is `value`. */
export function leaderRows(value: number, format = 0): Buffer[] {
  const w = new MessageWriter().int16(1)
  if (format === 1) {
    w.int32(4).int32(value)
  } else {
    const text = Buffer.from(String(value))
    w.int32(text.length).bytes(text)
  }
  return [w.finish(Backend.DataRow), SELECT_1]
}

/** What a Bind asks of a one-column result: its parameter count and the column's format code. */
export function bindShape(frame: Buffer): { parameters: number; format: number } {
  let at = frame.indexOf(0, 5) + 1
  at = frame.indexOf(0, at) + 1
  const parameterFormats = frame.readInt16BE(at)
  at += 2 + 2 * parameterFormats
  const parameters = frame.readInt16BE(at)
  at += 2
  for (let i = 0; i < parameters; i++) {
    const length = frame.readInt32BE(at)
    at += 4 + Math.max(0, length)
  }
  const resultFormats = at + 2 <= frame.length ? frame.readInt16BE(at) : 0
  // No codes: all text; one code: for every column; otherwise one per column.
  const format = resultFormats === 0 ? 0 : frame.readInt16BE(at + 2)
  return { parameters, format }
}
