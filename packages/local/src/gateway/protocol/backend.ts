/** Builders and parsers of the backend messages the gateway writes or rewrites. */
import { Backend } from './codes.js'
import { MessageReader, MessageWriter } from './writer.js'

/** ErrorResponse / NoticeResponse fields in wire order: field code letter -> value. */
export type NoticeFields = Array<readonly [string, string]>

/** The fields of an ErrorResponse or NoticeResponse frame, in order. */
export function parseNoticeFields(frame: Buffer): NoticeFields {
  const fields: NoticeFields = []
  let offset = 5
  while (offset < frame.length) {
    const code = frame[offset]
    if (code === 0 || code === undefined) break
    const end = frame.indexOf(0, offset + 1)
    if (end < 0) break
    fields.push([String.fromCharCode(code), frame.toString('utf8', offset + 1, end)])
    offset = end + 1
  }
  return fields
}

/** One field of a parsed ErrorResponse, or undefined. */
export function noticeField(fields: NoticeFields, code: string): string | undefined {
  for (const [c, v] of fields) if (c === code) return v
  return undefined
}

/** An ErrorResponse (`type` E) or NoticeResponse (`type` N) frame from fields. */
export function buildNoticeFrame(fields: NoticeFields, type: number = Backend.ErrorResponse): Buffer {
  const w = new MessageWriter()
  for (const [code, value] of fields) w.byte(code.charCodeAt(0)).cstring(value)
  w.byte(0)
  return w.finish(type)
}

/** What the gateway says in an error or notice it makes itself. */
export interface GatewayNotice {
  readonly severity: 'ERROR' | 'FATAL' | 'NOTICE' | 'INFO' | 'WARNING'
  readonly code: string
  readonly message: string
  readonly detail?: string
  readonly hint?: string
}

/** An ErrorResponse (or NoticeResponse) the gateway makes itself. */
export function buildNotice(notice: GatewayNotice, type: number = Backend.ErrorResponse): Buffer {
  const fields: NoticeFields = [
    ['S', notice.severity],
    ['V', notice.severity],
    ['C', notice.code],
    ['M', notice.message],
  ]
  if (notice.detail !== undefined) fields.push(['D', notice.detail])
  if (notice.hint !== undefined) fields.push(['H', notice.hint])
  return buildNoticeFrame(fields, type)
}

/** The tag of a CommandComplete frame. */
export function parseCommandTag(frame: Buffer): string {
  return frame.toString('utf8', 5, frame.length - 1)
}

/** A CommandComplete frame with `tag`. */
export function buildCommandComplete(tag: string): Buffer {
  return new MessageWriter().cstring(tag).finish(Backend.CommandComplete)
}

/** A ReadyForQuery frame with a transaction status byte (`I`, `T`, `E`). */
export function buildReadyForQuery(status: number): Buffer {
  return new MessageWriter().byte(status).finish(Backend.ReadyForQuery)
}

/** A ParameterStatus frame. */
export function buildParameterStatus(name: string, value: string): Buffer {
  return new MessageWriter().cstring(name).cstring(value).finish(Backend.ParameterStatus)
}

/** The name and value of a ParameterStatus frame. */
export function parseParameterStatus(frame: Buffer): { name: string; value: string } {
  const r = new MessageReader(frame)
  return { name: r.cstring(), value: r.cstring() }
}

/** AuthenticationOk (0), CleartextPassword (3) or MD5Password (5, with its salt). */
export function buildAuthentication(code: 0 | 3 | 5, salt?: Buffer): Buffer {
  const w = new MessageWriter().int32(code)
  if (salt !== undefined) w.bytes(salt)
  return w.finish(Backend.Authentication)
}

/** Tells a client that asked for a newer minor version or `_pq_.` options what the server speaks. */
export function buildNegotiateProtocolVersion(minor: number, unrecognised: readonly string[]): Buffer {
  const w = new MessageWriter().int32(minor).int32(unrecognised.length)
  for (const name of unrecognised) w.cstring(name)
  return w.finish(Backend.NegotiateProtocolVersion)
}

/** The NoData frame. */
export const NO_DATA: Buffer = new MessageWriter().finish(Backend.NoData)

/** One column of a RowDescription. */
export interface FieldDescription {
  name: string
  tableOid: number
  columnNumber: number
  typeOid: number
  typeSize: number
  typeModifier: number
  format: number
}

/** The columns of a RowDescription frame. */
export function parseRowDescription(frame: Buffer): FieldDescription[] {
  const r = new MessageReader(frame)
  const count = r.int16()
  const fields: FieldDescription[] = []
  for (let i = 0; i < count; i++) {
    fields.push({
      name: r.cstring(),
      tableOid: r.uint32(),
      columnNumber: r.int16(),
      typeOid: r.uint32(),
      typeSize: r.int16(),
      typeModifier: r.int32(),
      format: r.int16(),
    })
  }
  return fields
}

/** PostgreSQL's INTERVAL; Redshift gives its qualified forms their own OIDs. */
const INTERVAL_OID = 1186
/** PostgreSQL's range bits in an interval's type modifier: YEAR | MONTH, and DAY | HOUR | MINUTE | SECOND. */
const YEAR_MONTH = 4 | 2
const DAY_SECOND = 8 | 1024 | 2048 | 4096

/**
 * Redshift's OID for an INTERVAL column of this type modifier: 1188 (INTERVALY2M) for YEAR / MONTH
 * fields, 1190 (INTERVALD2S) for DAY ... SECOND fields, undefined for a plain interval.
 */
export function intervalTypeOid(typeModifier: number): number | undefined {
  if (typeModifier < 0) return undefined
  const range = (typeModifier >>> 16) & 0x7fff
  if (range === 0 || range === 0x7fff) return undefined
  if ((range & ~YEAR_MONTH) === 0) return 1188
  if ((range & ~DAY_SECOND) === 0) return 1190
  return undefined
}

/** Redshift's OID for a column of engine type `oid` and modifier `typeModifier`, or undefined when it is the same. */
export function redshiftTypeOid(
  typeMap: ReadonlyMap<number, number>,
  oid: number,
  typeModifier: number,
): number | undefined {
  return oid === INTERVAL_OID ? intervalTypeOid(typeModifier) : typeMap.get(oid)
}

/**
 * True when a RowDescription has a column whose type OID is in `typeMap` or is a qualified interval, or (with `upper`) a name that
 * upper-casing could change: read in place, so the common answer (no) costs no decoding.
 */
export function rowDescriptionNeedsRewrite(
  frame: Buffer,
  typeMap: ReadonlyMap<number, number>,
  upper: boolean,
): boolean {
  const count = frame.readInt16BE(5)
  let at = 7
  for (let i = 0; i < count; i++) {
    const nameEnd = frame.indexOf(0, at)
    if (nameEnd < 0) return true
    if (upper) {
      for (let k = at; k < nameEnd; k++) {
        const c = frame[k] as number
        // ASCII lower case, or any non-ASCII byte (its letter may have an upper case).
        if ((c >= 0x61 && c <= 0x7a) || c >= 0x80) return true
      }
    }
    at = nameEnd + 1
    const oid = frame.readUInt32BE(at + 6)
    if (typeMap.size > 0 && typeMap.has(oid)) return true
    if (oid === INTERVAL_OID && intervalTypeOid(frame.readInt32BE(at + 12)) !== undefined) return true
    at += 18
  }
  return false
}

/** A RowDescription frame from its columns. */
export function buildRowDescription(fields: readonly FieldDescription[]): Buffer {
  const w = new MessageWriter().int16(fields.length)
  for (const f of fields) {
    w.cstring(f.name)
      .int32(f.tableOid | 0)
      .int16(f.columnNumber)
      .int32(f.typeOid | 0)
      .int16(f.typeSize)
      .int32(f.typeModifier)
      .int16(f.format)
  }
  return w.finish(Backend.RowDescription)
}

/** A DataRow of text values (null: SQL NULL). */
export function buildDataRow(values: readonly (string | null)[]): Buffer {
  const w = new MessageWriter().int16(values.length)
  for (const v of values) {
    if (v === null) {
      w.int32(-1)
    } else {
      const bytes = Buffer.from(v, 'utf8')
      w.int32(bytes.length).bytes(bytes)
    }
  }
  return w.finish(Backend.DataRow)
}

/** Rewrites the type OIDs of a ParameterDescription in place of a copy; undefined when none changed. */
export function remapParameterDescription(
  frame: Buffer,
  map: ReadonlyMap<number, number>,
): Buffer | undefined {
  const count = frame.readInt16BE(5)
  let copy: Buffer | undefined
  for (let i = 0; i < count; i++) {
    const at = 7 + i * 4
    const mapped = map.get(frame.readUInt32BE(at))
    if (mapped === undefined) continue
    copy ??= Buffer.from(frame)
    copy.writeUInt32BE(mapped, at)
  }
  return copy
}
