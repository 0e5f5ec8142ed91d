/**
 * A statement the gateway runs on a client's own engine session for itself (a gateway command's
 * queries): the messages that run it, and the collection of its answer, which the client never sees.
 */
import { type CommandQueryResult, GatewayCommandError } from '../command-executor.js'
import { noticeField, parseNoticeFields, parseRowDescription } from '../protocol/backend.js'
import {
  buildBind,
  buildClose,
  buildDescribe,
  buildExecute,
  buildParse,
  FLUSH,
} from '../protocol/frontend.js'

/** Statement and portal names of the gateway's own statements: the client's unnamed ones stay intact. */
const NAME = 'rk_gateway_internal'
const NO_TYPES = Buffer.alloc(2)
const CLOSE_PORTAL = buildClose('P', NAME)
const CLOSE_STATEMENT = buildClose('S', NAME)
const DESCRIBE_PORTAL = buildDescribe('P', NAME)
const EXECUTE_ALL = buildExecute(NAME, 0)

/**
 * The messages that run `sql` with text parameters: any leftover statement and portal of a previous
 * internal query (one that failed keeps them) are closed first, which is never an error.
 */
export function internalQueryMessages(sql: string, params: readonly (string | null)[]): Buffer[] {
  return [
    CLOSE_PORTAL,
    CLOSE_STATEMENT,
    buildParse(NAME, sql, NO_TYPES),
    buildBind(NAME, NAME, params),
    DESCRIBE_PORTAL,
    EXECUTE_ALL,
    FLUSH,
  ]
}

/** Closes the internal statement and portal once a command is done (answered with two CloseCompletes). */
export const INTERNAL_CLEANUP: readonly Buffer[] = [CLOSE_PORTAL, CLOSE_STATEMENT]

/** Collects one internal statement's answer, message by message. */
export class InternalQuery {
  readonly #resolve: (result: CommandQueryResult) => void
  readonly #reject: (error: GatewayCommandError) => void
  #fields: { name: string; typeOid: number }[] = []
  readonly #rows: (string | null)[][] = []
  settled = false

  constructor(resolve: (result: CommandQueryResult) => void, reject: (error: GatewayCommandError) => void) {
    this.#resolve = resolve
    this.#reject = reject
  }

  rowDescription(frame: Buffer): void {
    this.#fields = parseRowDescription(frame).map((f) => ({ name: f.name, typeOid: f.typeOid }))
  }

  dataRow(frame: Buffer): void {
    const count = frame.readInt16BE(5)
    const row: (string | null)[] = new Array(count)
    let at = 7
    for (let i = 0; i < count; i++) {
      const length = frame.readInt32BE(at)
      at += 4
      if (length < 0) {
        row[i] = null
      } else {
        row[i] = frame.toString('utf8', at, at + length)
        at += length
      }
    }
    this.#rows.push(row)
  }

  /** CommandComplete (`tag`) or EmptyQueryResponse (no tag). */
  complete(tag: string): void {
    if (this.settled) return
    this.settled = true
    const match = /^(.*?)((?: \d+)*)$/.exec(tag)
    const words = match?.[1] ?? tag
    const counts = (match?.[2] ?? '').trim().split(' ')
    const last = Number(counts[counts.length - 1])
    this.#resolve({
      rows: this.#rows,
      fields: this.#fields,
      command: words,
      rowCount: Number.isFinite(last) ? last : 0,
    })
  }

  /** ErrorResponse from the engine. */
  error(frame: Buffer): void {
    const fields = parseNoticeFields(frame)
    const detail = noticeField(fields, 'D')
    const hint = noticeField(fields, 'H')
    this.fail(
      new GatewayCommandError(
        noticeField(fields, 'C') ?? 'XX000',
        noticeField(fields, 'M') ?? 'engine error',
        {
          ...(detail === undefined ? {} : { detail }),
          ...(hint === undefined ? {} : { hint }),
        },
      ),
    )
  }

  fail(error: GatewayCommandError): void {
    if (this.settled) return
    this.settled = true
    this.#reject(error)
  }
}
