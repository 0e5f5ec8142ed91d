/** Parsers and builders of the frontend (client -> server) messages the gateway looks into or makes. */
import { Frontend, StartupCode } from './codes.js'
import { MessageReader, MessageWriter } from './writer.js'

/** A Parse message: statement name, SQL text, and where the parameter type list starts. */
export interface ParseMessage {
  readonly name: string
  readonly sql: string
  /** The bytes after the SQL text (Int16 count and the parameter type OIDs), forwarded untouched. */
  readonly paramTypes: Buffer
}

/** Reads a Parse frame. */
export function parseParse(frame: Buffer): ParseMessage {
  const r = new MessageReader(frame)
  const name = r.cstring()
  const sql = r.cstring()
  return { name, sql, paramTypes: frame.subarray(r.offset) }
}

/** A Parse frame (the parameter type list is passed through as bytes). */
export function buildParse(name: string, sql: string, paramTypes: Buffer): Buffer {
  return new MessageWriter().cstring(name).cstring(sql).bytes(paramTypes).finish(Frontend.Parse)
}

/** The portal and statement names of a Bind (the rest is forwarded untouched). */
export function parseBindNames(frame: Buffer): { portal: string; statement: string } {
  const r = new MessageReader(frame)
  const portal = r.cstring()
  return { portal, statement: r.cstring() }
}

/**
 * A Bind's parameter values as text (null: SQL NULL), or `'binary'` when one is sent in binary format
 * (only the engine could read it). Throws on a malformed frame.
 */
export function parseBindValues(frame: Buffer): (string | null)[] | 'binary' {
  const r = new MessageReader(frame)
  r.cstring()
  r.cstring()
  const formats: number[] = []
  for (let n = r.int16(), i = 0; i < n; i++) formats.push(r.int16())
  const values: (string | null)[] = []
  for (let n = r.int16(), i = 0; i < n; i++) {
    const format = formats.length === 1 ? formats[0] : (formats[i] ?? 0)
    if (format === 1) return 'binary'
    const length = r.int32()
    if (length < 0) {
      values.push(null)
      continue
    }
    if (length > r.remaining) throw new Error('malformed message: truncated')
    values.push(frame.toString('utf8', r.offset, r.offset + length))
    r.skip(length)
  }
  return values
}

/** Describe or Close: `kind` is `S` (statement) or `P` (portal). */
export function parseTarget(frame: Buffer): { kind: 'S' | 'P'; name: string } {
  const r = new MessageReader(frame)
  const kind = r.byte() === 0x53 ? 'S' : 'P'
  return { kind, name: r.cstring() }
}

/** Reads an Execute frame. */
export function parseExecute(frame: Buffer): { portal: string; maxRows: number } {
  const r = new MessageReader(frame)
  return { portal: r.cstring(), maxRows: r.int32() }
}

/** The SQL text of a Query frame. */
export function parseQuery(frame: Buffer): string {
  return frame.toString('utf8', 5, frame.length - 1)
}

/** A PasswordMessage's text (cleartext password or `md5...`). */
export function parsePassword(frame: Buffer): string {
  const end = frame.indexOf(0, 5)
  return frame.toString('utf8', 5, end < 0 ? frame.length : end)
}

/** A Bind of `statement` to `portal` with text parameters (null: SQL NULL) and text results. */
export function buildBind(portal: string, statement: string, params: readonly (string | null)[]): Buffer {
  const w = new MessageWriter().cstring(portal).cstring(statement).int16(0).int16(params.length)
  for (const p of params) {
    if (p === null) {
      w.int32(-1)
    } else {
      const bytes = Buffer.from(p, 'utf8')
      w.int32(bytes.length).bytes(bytes)
    }
  }
  return w.int16(0).finish(Frontend.Bind)
}

/** A Describe (`kind` S: statement, P: portal). */
export function buildDescribe(kind: 'S' | 'P', name: string): Buffer {
  return new MessageWriter().byte(kind.charCodeAt(0)).cstring(name).finish(Frontend.Describe)
}

/** A Close (`kind` S: statement, P: portal). */
export function buildClose(kind: 'S' | 'P', name: string): Buffer {
  return new MessageWriter().byte(kind.charCodeAt(0)).cstring(name).finish(Frontend.Close)
}

/** An Execute of `portal`, `maxRows` 0 for all rows. */
export function buildExecute(portal: string, maxRows: number): Buffer {
  return new MessageWriter().cstring(portal).int32(maxRows).finish(Frontend.Execute)
}

/** Bind of an unnamed statement to an unnamed portal, no parameters, text results. */
export const BIND_UNNAMED: Buffer = new MessageWriter()
  .cstring('')
  .cstring('')
  .int16(0)
  .int16(0)
  .int16(0)
  .finish(Frontend.Bind)
/** Describe of the unnamed portal. */
export const DESCRIBE_UNNAMED_PORTAL: Buffer = new MessageWriter()
  .byte(0x50)
  .cstring('')
  .finish(Frontend.Describe)
/** Execute of the unnamed portal, all rows. */
export const EXECUTE_UNNAMED: Buffer = new MessageWriter().cstring('').int32(0).finish(Frontend.Execute)
/** The Sync frame. */
export const SYNC: Buffer = new MessageWriter().finish(Frontend.Sync)
/** The Flush frame. */
export const FLUSH: Buffer = new MessageWriter().finish(Frontend.Flush)

/** A CopyFail frame: how the gateway refuses COPY FROM STDIN. */
export function buildCopyFail(reason: string): Buffer {
  return new MessageWriter().cstring(reason).finish(Frontend.CopyFail)
}

/** A decoded opening message of a connection. */
export type StartupPacket =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly raw: Buffer }
  | {
      readonly kind: 'startup'
      readonly minorVersion: number
      readonly params: ReadonlyMap<string, string>
    }

/** Decodes the opening packet of a connection. */
export function parseStartupPacket(message: Buffer): StartupPacket {
  const code = message.readInt32BE(4)
  if (code === StartupCode.SslRequest) return { kind: 'ssl' }
  if (code === StartupCode.GssEncRequest) return { kind: 'gssenc' }
  if (code === StartupCode.CancelRequest) return { kind: 'cancel', raw: message }
  const major = code >> 16
  if (major !== 3) throw new Error(`unsupported frontend protocol ${major}.${code & 0xffff}`)
  const params = new Map<string, string>()
  const r = new MessageReader(message, 8)
  while (r.remaining > 1) {
    const key = r.cstring()
    if (key === '') break
    params.set(key, r.cstring())
  }
  return { kind: 'startup', minorVersion: code & 0xffff, params }
}

/** A protocol 3.0 StartupMessage with `params`. */
export function buildStartupMessage(params: ReadonlyMap<string, string>): Buffer {
  const w = new MessageWriter().int32(StartupCode.Protocol3)
  for (const [k, v] of params) w.cstring(k).cstring(v)
  w.byte(0)
  return w.finish()
}
