import { Readable } from 'node:stream'
import type { TransportCursor } from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryId } from '../types/query-id.js'
import { ResultStreamCore } from './result-stream-core.js'
import type { Row } from './row.js'

/** Options of a {@link ResultStream} beyond its cursor. */
export interface ResultStreamInit {
  /**
   * A stream nobody reads for this long closes itself and frees its connection; a later read fails
   * saying so. 0 keeps it open for as long as the server does.
   */
  readonly idleTimeoutMs: number
  /** Called once the stream has closed, whichever way. */
  readonly onClosed?: () => void
}

/**
 * Options of {@link ResultStream.toReadable}.
 *
 * @example
 * const readable = (await client.streamResults(query)).toReadable({ highWaterMark: 500 })
 */
export interface ReadableOptions {
  /** Rows the `Readable` buffers before it stops pulling from the stream. @default 1000 */
  readonly highWaterMark?: number
}

// A stream dropped without close() still frees its connection: once it is garbage collected, its
// core (which never refers back to it) closes the cursor.
const abandoned = new FinalizationRegistry<ResultStreamCore>((core) => {
  void core.close()
})

/**
 * The rows of one query, read in batches of `fetchSize` from a server-side cursor on a connection of
 * its own, so memory stays bounded whatever the size of the result. Read it with `nextBatch()`, or as
 * an async iterable of rows, or as a Node `Readable` (`toReadable()`); a reader that stops reading
 * stops the fetching. `close()` frees the connection and the server's cursor early; reading to the
 * end, an error, breaking out of a `for await`, destroying the `Readable`, the idle timeout, and
 * even dropping the stream unclosed do too.
 *
 * @example
 * const stream = await client.streamResults(new QueryBuilder('SELECT * FROM events WHERE year = 2024').timeout(300_000).build())
 * let total = 0
 * let batch
 * while ((batch = await stream.nextBatch()) !== null) {
 *   for (const row of batch) total += Number(row.get('amount'))
 * }
 * // or: for await (const row of stream) { ... }
 * // or: pipeline(stream.toReadable(), new Transform({ objectMode: true, ... }), file)
 */
export class ResultStream implements AsyncIterable<Row> {
  readonly #core: ResultStreamCore

  /** Made by `client.streamResults()`. */
  constructor(cursor: TransportCursor, init: ResultStreamInit) {
    this.#core = new ResultStreamCore(cursor, init.idleTimeoutMs, init.onClosed)
    abandoned.register(this, this.#core, this)
  }

  /** The result's columns, known as soon as the stream is open. */
  get columns(): readonly ColumnMetadata[] {
    return this.#core.cursor.columns
  }

  /** Rows handed to the reader so far. */
  get rowsRead(): number {
    return this.#core.rowsRead
  }

  /** Rows received from the server so far (read, or fetched ahead and waiting to be read). */
  get rowsFetched(): number {
    return this.#core.cursor.rowsFetched
  }

  /** Redshift's query id, known once the result has been read to the end (`''` before). */
  get queryId(): QueryId {
    return this.#core.cursor.queryId
  }

  /** The server session the stream runs on (the backend pid on the wire). */
  get sessionId(): string {
    return this.#core.cursor.sessionId
  }

  /** Whether the stream has ended or been closed (its connection is back in the pool then, or on its way). */
  get closed(): boolean {
    return this.#core.done || this.#core.closing
  }

  /** Resolves once the stream has closed, whichever way, and its connection has gone back to the pool. */
  whenClosed(): Promise<void> {
    return this.#core.closed
  }

  /**
   * The next batch of rows (at most `fetchSize`), or null after the last one (the connection is
   * then already back in the pool). Rejects with the query's error; the stream is closed after one.
   */
  nextBatch(): Promise<Row[] | null> {
    return this.#core.nextBatch()
  }

  /** The rows, batch by batch. Leaving the loop early closes the stream. */
  async *batches(): AsyncGenerator<Row[], void, undefined> {
    try {
      for (let batch = await this.nextBatch(); batch !== null; batch = await this.nextBatch()) yield batch
    } finally {
      await this.close()
    }
  }

  /** The rows one by one. Leaving the loop early (`break`, `return`, a throw) closes the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Row, void, undefined> {
    for await (const batch of this.batches()) yield* batch
  }

  /**
   * A Node `Readable` of rows (object mode) with backpressure: it pulls a batch only when its buffer
   * has room, so a slow consumer slows the fetching. Destroying it closes the stream.
   *
   * @example
   * await pipeline(stream.toReadable(), toCsv, createWriteStream('out.csv'))
   */
  toReadable(options: ReadableOptions = {}): Readable {
    return Readable.from(this[Symbol.asyncIterator](), {
      objectMode: true,
      highWaterMark: options.highWaterMark ?? 1000,
    })
  }

  /** Asks the server to cancel the query; the pending or next read fails with `QueryCancelledError`. */
  async cancel(): Promise<void> {
    await this.#core.cursor.cancel()
  }

  /**
   * Stops reading: frees the server's cursor, ends the transaction and gives the connection back.
   * Safe to call at any time, and again.
   */
  close(): Promise<void> {
    abandoned.unregister(this)
    return this.#core.close()
  }
}
