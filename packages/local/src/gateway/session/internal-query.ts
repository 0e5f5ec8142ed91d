/**
 * A statement the gateway runs on a client's own engine session for itself (a gateway command's
 * queries): the messages that run it, and the collection of its answer, which the client never sees.
 */
import { type CommandQueryResult, GatewayCommandError } from '../command-executor.js'
import { noticeField, parseNoticeFields, parseRowDescription } from '../protocol/backend.js'
import { Frontend } from '../protocol/codes.js'
import {
  buildBind,
  buildClose,
  buildCopyFail,
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

const BIND_NO_PARAMETERS = buildBind(NAME, NAME, [])
const COPY_DONE = Buffer.from([Frontend.CopyDone, 0, 0, 0, 4])

/**
 * The messages that start `sql`, a `COPY ... FROM STDIN`: as `internalQueryMessages` without parameters
 * or Describe. The engine answers CopyInResponse (or an error) and then waits for the data.
 */
function copyInMessages(sql: string): Buffer[] {
  return [
    CLOSE_PORTAL,
    CLOSE_STATEMENT,
    buildParse(NAME, sql, NO_TYPES),
    BIND_NO_PARAMETERS,
    EXECUTE_ALL,
    FLUSH,
  ]
}

/** The header of a CopyData message of `length` bytes: the bytes follow as a frame of their own, uncopied. */
function copyDataHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(5)
  header[0] = Frontend.CopyData
  header.writeInt32BE(length + 4, 1)
  return header
}

/** Ends the data of a COPY FROM STDIN; the Flush makes the engine send its CommandComplete at once. */
const COPY_END: readonly Buffer[] = [COPY_DONE, FLUSH]

/** Abandons a COPY FROM STDIN: the engine fails it (57014, `COPY from stdin failed: <reason>`). */
function copyFailMessages(reason: string): Buffer[] {
  return [buildCopyFail(reason), FLUSH]
}

/** Closes the internal statement and portal once a command is done (answered with two CloseCompletes). */
export const INTERNAL_CLEANUP: readonly Buffer[] = [CLOSE_PORTAL, CLOSE_STATEMENT]

/** Collects one internal statement's answer, message by message. */
export class InternalQuery {
  readonly #resolve: (result: CommandQueryResult) => void
  readonly #reject: (error: GatewayCommandError) => void
  #fields: { name: string; typeOid: number }[] = []
  readonly #rows: (string | null)[][] = []
  /** Set for a `copyIn`: called when the engine is ready for the data (CopyInResponse). */
  readonly #copyReady: (() => void) | undefined
  settled = false

  constructor(
    resolve: (result: CommandQueryResult) => void,
    reject: (error: GatewayCommandError) => void,
    copyReady?: () => void,
  ) {
    this.#resolve = resolve
    this.#reject = reject
    this.#copyReady = copyReady
  }

  /** CopyInResponse: true when this statement streams data (copyIn); otherwise the caller refuses it. */
  copyIn(): boolean {
    if (this.#copyReady === undefined || this.settled) return false
    this.#copyReady()
    return true
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

/** What streaming a COPY needs of the session (a part of command-runner.ts's CommandHost). */
export interface CopyInHost {
  readonly router: { expect(e: { kind: 'internal'; query: InternalQuery }): void }
  readonly closed: boolean
  toEngine(...frames: Buffer[]): void
  engineWritable(): Promise<void>
}

/**
 * Runs `sql`, a `COPY ... FROM STDIN`, as an internal statement and streams `data` to it: each chunk
 * goes as CopyData once the engine socket has room, while the engine's error and the `signals` are
 * watched; the end is CopyDone, or CopyFail when the source throws or a signal aborts (the promise then
 * rejects with that error or the first aborted signal's reason, once the engine has answered).
 * Nothing else may be sent to the engine until it settles.
 */
export async function streamCopyIn(
  host: CopyInHost,
  sql: string,
  data: AsyncIterable<Uint8Array>,
  signals: readonly AbortSignal[],
): Promise<number> {
  let ready!: () => void
  const started = new Promise<void>((resolve) => {
    ready = resolve
  })
  let query!: InternalQuery
  const result = new Promise<CommandQueryResult>((resolve, reject) => {
    query = new InternalQuery(resolve, reject, ready)
  })
  host.router.expect({ kind: 'internal', query })
  host.toEngine(...copyInMessages(sql))
  // Rejects on the first of: the engine's error (or an answer that is no COPY FROM STDIN), an abort.
  let onAbort!: () => void
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(signals.find((s) => s.aborted)?.reason)
    result.then(
      () => reject(new GatewayCommandError('42601', `copyIn runs COPY ... FROM STDIN only, not: ${sql}`)),
      reject,
    )
  })
  stopped.catch(() => undefined)
  if (signals.some((s) => s.aborted)) onAbort()
  for (const s of signals) s.addEventListener('abort', onAbort)
  const iterator = data[Symbol.asyncIterator]()
  try {
    await Promise.race([started, stopped])
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped])
      if (next.done === true) break
      const chunk = next.value
      if (chunk.byteLength === 0) continue
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      host.toEngine(copyDataHeader(bytes.length), bytes)
      await Promise.race([host.engineWritable(), stopped])
    }
  } catch (error) {
    // CopyFail is safe to send even before the engine started the COPY: after a failed statement the
    // engine ignores it. A source still producing is told to stop, without waiting for it.
    if (!query.settled && !host.closed) host.toEngine(...copyFailMessages(failText(error)))
    iterator.return?.()?.catch(() => undefined)
    await result.catch(() => undefined)
    throw error
  } finally {
    for (const s of signals) s.removeEventListener('abort', onAbort)
  }
  host.toEngine(...COPY_END)
  return (await result).rowCount
}

/** The reason CopyFail gives the engine (its error then reads `COPY from stdin failed: ...`). */
function failText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text === '' ? 'the data source failed' : text.slice(0, 1000)
}
