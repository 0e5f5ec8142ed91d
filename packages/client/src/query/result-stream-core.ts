import { classifyError } from '../errors/classify.js'
import { QueryFailedError } from '../errors/query-errors.js'
import type { TransportCursor } from '../transport/transport.js'
import type { Value } from '../types/value.js'
import { Row } from './row.js'

/** Follows a stream from its first batch to its close (a lifetime span, progress reports). */
export interface StreamWatcher {
  /** After each batch, with the rows read so far and the bytes received (when the transport counts them). */
  batch(rowsRead: number, bytesReceived: number | undefined): void
  /** Once, when the stream closes: read to the end or not, and the read error that closed it, if any. */
  closed(rowsRead: number, completed: boolean, bytesReceived: number | undefined, error?: unknown): void
}

/**
 * The state of a {@link ResultStream}, kept apart from the object the reader holds: its timers and
 * the finalization registry refer to this core only, so a stream dropped unclosed can be garbage
 * collected, and its core then closes the cursor.
 */
export class ResultStreamCore {
  readonly cursor: TransportCursor
  readonly #idleTimeoutMs: number
  readonly #onClosed: (() => void) | undefined
  readonly #watcher: StreamWatcher | undefined
  #failure: unknown
  rowsRead = 0
  done = false
  #closing: Promise<void> | undefined
  #idleTimer: ReturnType<typeof setTimeout> | undefined
  #idleExpired = false
  /** Reads run one after another even when called concurrently. */
  #queue: Promise<unknown> = Promise.resolve()
  readonly #closed: Promise<void>
  #markClosed: () => void = () => undefined

  constructor(
    cursor: TransportCursor,
    idleTimeoutMs: number,
    onClosed: (() => void) | undefined,
    watcher?: StreamWatcher,
  ) {
    this.cursor = cursor
    this.#watcher = watcher
    this.#idleTimeoutMs = idleTimeoutMs
    this.#onClosed = onClosed
    this.#closed = new Promise<void>((resolve) => {
      this.#markClosed = resolve
    })
    this.#armIdle()
  }

  get closing(): boolean {
    return this.#closing !== undefined
  }

  /** Resolves once the stream has closed and its connection has gone back. */
  get closed(): Promise<void> {
    return this.#closed
  }

  nextBatch(): Promise<Row[] | null> {
    const read = this.#queue.then(() => this.#read())
    this.#queue = read.catch(() => undefined)
    return read
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#disarmIdle()
      try {
        await this.cursor.close()
      } finally {
        this.#onClosed?.()
        this.#watcher?.closed(this.rowsRead, this.done, this.cursor.bytesFetched, this.#failure)
        this.#markClosed()
      }
    })()
    return this.#closing
  }

  async #read(): Promise<Row[] | null> {
    if (this.#idleExpired) {
      throw new QueryFailedError(
        `the stream was closed after ${this.#idleTimeoutMs} ms without a read; read it without pausing that long, or raise streamResults' idleTimeoutMs`,
        { fault: 'client' },
      )
    }
    if (this.done || this.#closing !== undefined) return null
    this.#disarmIdle()
    let values: readonly (readonly Value[])[] | null
    try {
      values = await this.cursor.next()
    } catch (error) {
      const classified = classifyError(error)
      this.#failure = classified
      await this.close()
      throw classified
    }
    if (values === null) {
      this.done = true
      await this.close()
      return null
    }
    this.#armIdle()
    const columns = this.cursor.columns
    const rows = new Array<Row>(values.length)
    // Frozen here, a row's values are taken as they are rather than copied by Row.
    for (let i = 0; i < values.length; i++) rows[i] = new Row(Object.freeze(values[i] as Value[]), columns)
    this.rowsRead += rows.length
    this.#watcher?.batch(this.rowsRead, this.cursor.bytesFetched)
    return rows
  }

  #armIdle(): void {
    if (this.#idleTimeoutMs <= 0) return
    this.#idleTimer = setTimeout(() => {
      this.#idleExpired = true
      void this.close()
    }, this.#idleTimeoutMs)
    this.#idleTimer.unref?.()
  }

  #disarmIdle(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer)
    this.#idleTimer = undefined
  }
}
