import { QueryCancelledError, QueryTimeoutError } from '../../errors/query-errors.js'
import { ColumnMetadata } from '../../types/column-metadata.js'
import { serializeParams } from '../../types/param-serializer.js'
import type { QueryId } from '../../types/query-id.js'
import type { Value } from '../../types/value.js'
import { onAbort } from '../abort-hub.js'
import type { TransportCursor, TransportCursorOptions, TransportStatement } from '../transport.js'
import { cancelRunning } from './cursor-cancel-request.js'
import { Backend, readErrorResponse, readParameterStatus, readRowDescription } from './cursor-frames.js'
import { type ColumnDecoder, decodeDataRow, rowDecoders } from './cursor-row-decoder.js'
import { CursorSocket } from './cursor-socket.js'
import type { PoolLease } from './pool.js'
import type { TypeParserSource, WireConnection } from './wire-connection.js'
import {
  classifyWireError,
  isFatalForConnection,
  type RunnerContext,
  runOnConnection,
} from './wire-statement-runner.js'

type Rows = Value[][]

/**
 * A fetched batch, kept as the DataRow bytes it came in (the socket's own chunks, not copied) and
 * decoded only when the reader takes it: a prefetched batch costs its wire size, not its objects, and
 * the values a reader gets die young.
 */
interface RawBatch {
  readonly buffers: Buffer[]
  /** Where each row's body starts in its buffer. */
  readonly starts: number[]
}

const emptyBatch = (): RawBatch => ({ buffers: [], starts: [] })

/** How long `close()` lets an Execute in flight finish before cancelling it. */
const CLOSE_GRACE_MS = 2_000
/** How long past its timeout a round trip may take before the client cancels it itself. */
const DEADLINE_GRACE_MS = 1_000
/** How long a cancelled round trip may take to answer before its connection is dropped. */
const CANCEL_ANSWER_MS = 5_000

let portals = 0

/**
 * A named portal over one pooled connection, read `fetchSize` rows per round trip: `BEGIN` (with the
 * statement's session settings) through the connection's normal path, then Parse / Bind (named portal)
 * / Describe / Execute(n) / Sync spoken directly on the socket, with DataRows decoded from its bytes
 * (see `cursor-row-decoder.ts`), and `COMMIT` (or `ROLLBACK` after an early close or an error) once
 * done. Redshift requires both the transaction and the portal name to fetch in batches.
 *
 * At most one batch waits for the reader while the next is fetched, so memory is bounded by two
 * batches whatever the result size, and a reader that stops reading stops the fetching.
 */
export class WireCursor implements TransportCursor {
  readonly sessionId: string
  columns: readonly ColumnMetadata[] = []
  queryId: QueryId = ''
  rowsFetched = 0
  bytesFetched = 0
  readonly #lease: PoolLease<WireConnection>
  readonly #context: RunnerContext
  readonly #statement: TransportStatement
  readonly #fetchSize: number
  readonly #portal = `rk_cursor_${++portals}`
  readonly #socket: CursorSocket
  readonly #types: TypeParserSource
  #decoders: readonly ColumnDecoder[] = []
  /** Complete batches the reader has not taken yet. */
  readonly #ready: RawBatch[] = []
  #filling: RawBatch = emptyBatch()
  #inFlight = false
  #exhausted = false
  #error: unknown
  #roundStartedAt = 0
  #deadline: ReturnType<typeof setTimeout> | undefined
  #cancelSent = false
  #cancelAnswered = false
  #closing = false
  #deadlineFired = false
  #finished: Promise<void> | undefined
  /** Callers waiting for the next batch, the end, or an error. */
  #waiting: (() => void)[] = []
  #described: ((error?: unknown) => void) | undefined
  #stopListening: () => void = () => undefined

  private constructor(
    lease: PoolLease<WireConnection>,
    context: RunnerContext,
    statement: TransportStatement,
    options: TransportCursorOptions,
    types: TypeParserSource,
  ) {
    this.#lease = lease
    this.#context = context
    this.#statement = statement
    this.#fetchSize = options.fetchSize
    this.#types = types
    this.sessionId = String(lease.connection.pid)
    this.#socket = new CursorSocket(
      lease.connection.pgClient,
      (type, buf, start, end) => this.#onMessage(type, buf, start, end),
      (error) => this.#lost(error),
    )
  }

  /** Opens the cursor on a leased connection; the lease is released on every failure path. */
  static async open(
    lease: PoolLease<WireConnection>,
    context: RunnerContext,
    statement: TransportStatement,
    options: TransportCursorOptions,
    types: TypeParserSource,
  ): Promise<WireCursor> {
    let values: unknown[]
    try {
      values = serializeParams(statement.params)
      await runOnConnection(lease.connection, context, 'BEGIN', [], statement.settings)
    } catch (error) {
      lease.release(isFatalForConnection(error, lease.connection) ? error : undefined)
      throw error
    }
    const cursor = new WireCursor(lease, context, statement, options, types)
    // Listen before the first round trip: the server answers the Describe only with the first rows, so
    // a long statement is running while `#start` waits, and an abort then must cancel it.
    const signal = options.signal
    if (signal !== undefined) {
      cursor.#stopListening = onAbort(signal, () => cursor.#abort(signal.reason))
    }
    try {
      await cursor.#start(values)
    } catch (error) {
      cursor.#stopListening()
      throw error
    }
    if (signal?.aborted) cursor.#abort(signal.reason)
    return cursor
  }

  async next(): Promise<Rows | null> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error
      const batch = this.#ready.shift()
      if (batch !== undefined) {
        this.#fetchMore()
        return this.#decode(batch)
      }
      if (this.#exhausted || this.#closing) return null
      this.#fetchMore()
      await this.#changed()
    }
  }

  async cancel(): Promise<void> {
    if (!this.#inFlight || this.#cancelSent || this.#finished !== undefined) return
    this.#cancelSent = true
    this.#armCancelWatchdog()
    try {
      await cancelRunning(this.#lease.connection)
    } catch {
      // Unreachable server: the watchdog drops the connection.
    }
  }

  close(): Promise<void> {
    if (this.#finished !== undefined) return this.#finished
    this.#closing = true
    this.#ready.length = 0
    this.#filling = emptyBatch()
    if (!this.#inFlight) return this.#finish()
    // The round trip in flight ends on its own (its rows are dropped); a long one is cancelled.
    const grace = setTimeout(() => void this.cancel(), CLOSE_GRACE_MS)
    grace.unref?.()
    return (async () => {
      while (this.#finished === undefined) await this.#changed()
      clearTimeout(grace)
      await this.#finished
    })()
  }

  /** The signal fired: the statement is cancelled if running, and the cursor fails and closes. */
  #abort(reason: unknown): void {
    this.#fail(
      new QueryCancelledError('the stream was aborted by its signal', {
        ...(reason === undefined ? {} : { cause: reason }),
      }),
    )
    void this.cancel()
    void this.close()
  }

  /** A value the client cannot read fails the stream, which then closes. */
  #decode(batch: RawBatch): Rows {
    const { buffers, starts } = batch
    const rows: Rows = new Array(starts.length)
    try {
      for (let i = 0; i < starts.length; i++) {
        rows[i] = decodeDataRow(buffers[i] as Buffer, starts[i] as number, this.#decoders)
      }
    } catch (error) {
      this.#fail(error)
      void this.close()
      throw error
    }
    return rows
  }

  #changed(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
    })
  }

  #lost(error: unknown): void {
    this.#fail(classifyWireError(error, this.#lease.connection, this.#statement.sql, undefined, Date.now()))
    this.#inFlight = false
    void this.#finish()
    this.#notify()
  }

  /** Sends Parse / Bind / Describe / the first Execute, and waits for the columns (or the error). */
  async #start(values: unknown[]): Promise<void> {
    const described = new Promise<void>((resolve, reject) => {
      this.#described = (error) => (error === undefined ? resolve() : reject(error))
    })
    this.#socket.takeOver()
    this.#inFlight = true
    this.#roundStartedAt = Date.now()
    this.#armDeadline()
    this.#socket.send((c) => {
      c.parse({ text: this.#statement.sql, name: '' })
      c.bind({ portal: this.#portal, statement: '', values })
      c.describe({ type: 'P', name: this.#portal })
      c.execute({ portal: this.#portal, rows: this.#fetchSize })
      c.sync()
    })
    try {
      await described
    } catch (error) {
      await this.#finished
      throw error
    }
  }

  /** Asks for the next batch when the reader has room for it (one batch ahead at most). */
  #fetchMore(): void {
    if (this.#inFlight || this.#exhausted || this.#closing || this.#error !== undefined) return
    if (this.#ready.length > 0) return
    this.#inFlight = true
    this.#roundStartedAt = Date.now()
    this.#armDeadline()
    this.#socket.send((c) => {
      c.execute({ portal: this.#portal, rows: this.#fetchSize })
      c.sync()
    })
  }

  #onMessage(type: number, buf: Buffer, start: number, end: number): void {
    switch (type) {
      case Backend.DataRow:
        if (this.#closing || this.#error !== undefined) return
        this.#filling.buffers.push(buf)
        this.#filling.starts.push(start)
        // The whole message as it came over the wire: type byte and length word included.
        this.bytesFetched += end - start + 5
        return
      case Backend.RowDescription:
        this.columns = readRowDescription(buf, start, end).map((c) =>
          ColumnMetadata.fromWire(c.name, c.typeOid, c.typeModifier),
        )
        this.#decoders = rowDecoders(
          this.columns.map((c) => c.typeOid),
          this.#types,
        )
        this.#described?.()
        this.#described = undefined
        return
      case Backend.NoData:
        this.#described?.()
        this.#described = undefined
        return
      case Backend.PortalSuspended:
        this.#completeBatch()
        return
      case Backend.CommandComplete:
      case Backend.EmptyQuery:
        this.#completeBatch()
        this.#exhausted = true
        return
      case Backend.ErrorResponse: {
        const raw = readErrorResponse(buf, start, end)
        if ((raw as { code?: string }).code === '57014') this.#cancelAnswered = true
        this.#fail(this.#classify(raw))
        return
      }
      case Backend.ReadyForQuery:
        this.#roundEnded()
        return
      case Backend.ParameterStatus: {
        const [name, value] = readParameterStatus(buf, start, end)
        this.#socket.emitParameterStatus(name, value)
        return
      }
      default:
        // ParseComplete, BindComplete, CloseComplete, notices: nothing to do.
        return
    }
  }

  #completeBatch(): void {
    if (this.#filling.starts.length > 0 && !this.#closing && this.#error === undefined) {
      this.rowsFetched += this.#filling.starts.length
      this.#ready.push(this.#filling)
    }
    this.#filling = emptyBatch()
  }

  #roundEnded(): void {
    this.#inFlight = false
    this.#disarmDeadline()
    if (this.#described !== undefined && this.#error === undefined) {
      // An empty statement: no RowDescription, no NoData.
      this.#described()
      this.#described = undefined
    }
    if (this.#exhausted || this.#closing || this.#error !== undefined) void this.#finish()
    this.#notify()
  }

  #notify(): void {
    const waiting = this.#waiting
    this.#waiting = []
    for (const wake of waiting) wake()
  }

  #fail(error: unknown): void {
    this.#error ??= error
    this.#ready.length = 0
    this.#filling = emptyBatch()
    this.#notify()
  }

  #classify(error: unknown): unknown {
    const timedOut = this.#deadlineFired
    const classified = classifyWireError(
      error,
      this.#lease.connection,
      this.#statement.sql,
      this.#statement.settings,
      this.#roundStartedAt,
    )
    return timedOut && !(classified instanceof QueryTimeoutError)
      ? new QueryTimeoutError(`the query did not answer within its ${this.#timeoutMs} ms timeout`, {
          timeoutMs: this.#timeoutMs,
          cause: classified,
        })
      : classified
  }

  get #timeoutMs(): number {
    return this.#statement.settings.timeoutMs ?? 0
  }

  /** A round trip that outlives its timeout by a grace is cancelled by the client itself. */
  #armDeadline(): void {
    if (this.#timeoutMs <= 0) return
    this.#deadline = setTimeout(() => {
      this.#deadlineFired = true
      void this.cancel()
    }, this.#timeoutMs + DEADLINE_GRACE_MS)
    this.#deadline.unref?.()
  }

  #disarmDeadline(): void {
    if (this.#deadline !== undefined) clearTimeout(this.#deadline)
    this.#deadline = undefined
  }

  /** A cancelled round trip that never answers: the connection is dropped to end it. */
  #armCancelWatchdog(): void {
    const watchdog = setTimeout(() => {
      if (!this.#inFlight) return
      const error = this.#deadlineFired
        ? new QueryTimeoutError(
            `the query did not answer within its ${this.#timeoutMs} ms timeout, nor to a cancel request`,
            { timeoutMs: this.#timeoutMs },
          )
        : new Error('the server did not answer a cancel request; the connection was dropped')
      this.#socket.destroy(error)
    }, CANCEL_ANSWER_MS)
    watchdog.unref?.()
  }

  /** Ends the transaction, gives the socket back to `pg` and the connection back to the pool; once. */
  #finish(): Promise<void> {
    this.#finished ??= this.#end()
    return this.#finished
  }

  async #end(): Promise<void> {
    const connection = this.#lease.connection
    this.#stopListening()
    this.#disarmDeadline()
    let releaseError: unknown
    try {
      if (this.#socket.lost !== undefined) throw this.#socket.lost
      this.#socket.giveBack()
      const ok = this.#exhausted && this.#error === undefined && !this.#closing
      const id = ok && this.#context.fetchQueryId ? connection.simple('SELECT pg_last_query_id()') : undefined
      const end = connection.simple(ok ? 'COMMIT' : 'ROLLBACK')
      const [idResult] = await Promise.all([id, end])
      const value = idResult?.rows[0]?.[0]
      if (value !== undefined && value !== null) this.queryId = String(value)
      // A cancel that found nothing running could still reach a later statement on this connection.
      if (this.#cancelSent && !this.#cancelAnswered)
        releaseError = new Error('a cancel request is outstanding')
    } catch (error) {
      releaseError = error
      if (this.#error === undefined && !this.#closing) {
        this.#error = classifyWireError(error, connection, this.#statement.sql, undefined, Date.now())
      }
    }
    this.#lease.release(releaseError)
    this.#described?.(this.#error ?? new Error('the cursor closed before the server described its result'))
    this.#described = undefined
    this.#notify()
  }
}
