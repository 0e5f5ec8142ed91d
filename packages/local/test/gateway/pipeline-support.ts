/** Messages and readers for tests that pipeline statements the way the client does (pipeline mode). */
import { msg, type RawClient, type RawMessage } from './raw-client.js'

/** Parse/Bind/Describe/Execute of `sql` on the unnamed statement and portal, without Sync. */
export function run(sql: string): Buffer[] {
  return [msg.parse('', sql), msg.bind('', ''), msg.describe('P', ''), msg.execute('')]
}

export const LAST_QUERY_ID = 'SELECT pg_last_query_id()'

/** The client's group for one statement: the statement, then `SELECT pg_last_query_id()`, under one Sync. */
export function group(sql: string): Buffer[] {
  return [...run(sql), ...run(LAST_QUERY_ID), msg.sync()]
}

/** A statement alone under its own Sync. */
export function alone(sql: string): Buffer[] {
  return [...run(sql), msg.sync()]
}

/** The answers up to each of the next `syncs` ReadyForQuery messages. */
export async function answers(c: RawClient, syncs: number): Promise<RawMessage[][]> {
  const out: RawMessage[][] = []
  for (let i = 0; i < syncs; i++) out.push(await c.untilReady())
  return out
}

/** The message types of an answer, e.g. `12TDC12TDCZ`. */
export const types = (messages: readonly RawMessage[]): string => messages.map((m) => m.type).join('')

/** The text values of each DataRow of an answer. */
export function rows(messages: readonly RawMessage[]): (string | null)[][] {
  return messages
    .filter((m) => m.type === 'D')
    .map((m) => {
      const count = m.body.readInt16BE(0)
      const values: (string | null)[] = []
      let at = 2
      for (let i = 0; i < count; i++) {
        const length = m.body.readInt32BE(at)
        at += 4
        values.push(length < 0 ? null : m.body.toString('utf8', at, at + length))
        at += Math.max(0, length)
      }
      return values
    })
}

/** Name, type OID and format code of each column of a RowDescription. */
export function columns(m: RawMessage): { name: string; typeOid: number; format: number }[] {
  const count = m.body.readInt16BE(0)
  const out: { name: string; typeOid: number; format: number }[] = []
  let at = 2
  for (let i = 0; i < count; i++) {
    const end = m.body.indexOf(0, at)
    const name = m.body.toString('utf8', at, end)
    at = end + 1
    out.push({ name, typeOid: m.body.readUInt32BE(at + 6), format: m.body.readInt16BE(at + 16) })
    at += 18
  }
  return out
}
