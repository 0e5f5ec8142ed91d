import { QueryCancelledError } from '../errors/query-errors.js'
import type { TransportCursor, TransportResult } from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryId } from '../types/query-id.js'
import type { Value } from '../types/value.js'

/**
 * A cursor over a result the mock has already produced, read in batches of `fetchSize` rows as the
 * wire transport's named portal is. It holds its session until it is closed.
 */
export class MockCursor implements TransportCursor {
  readonly sessionId: string
  readonly columns: readonly ColumnMetadata[]
  readonly #result: TransportResult
  readonly #fetchSize: number
  readonly #signal: AbortSignal | undefined
  readonly #onClose: () => void
  #offset = 0
  #done = false
  #cancelled = false
  #closed = false

  constructor(
    sessionId: string,
    result: TransportResult,
    options: {
      readonly fetchSize: number
      readonly signal?: AbortSignal | undefined
      readonly onClose: () => void
    },
  ) {
    this.sessionId = sessionId
    this.columns = result.columns
    this.#result = result
    this.#fetchSize = options.fetchSize
    this.#signal = options.signal
    this.#onClose = options.onClose
  }

  /** The query id once the last batch has been read, as Redshift numbers a query at its end. */
  get queryId(): QueryId {
    return this.#done ? this.#result.queryId : ''
  }

  /** Rows handed out so far. */
  get rowsFetched(): number {
    return this.#offset
  }

  async next(): Promise<readonly (readonly Value[])[] | null> {
    if (this.#cancelled || this.#signal?.aborted === true) {
      throw new QueryCancelledError('canceling statement due to user request', {
        sqlState: '57014',
        metadata: { transport: 'mock' },
      })
    }
    if (this.#closed || this.#done) return null
    const rows = this.#result.rows.slice(this.#offset, this.#offset + this.#fetchSize)
    this.#offset += rows.length
    if (rows.length === 0) {
      this.#done = true
      return null
    }
    if (this.#offset >= this.#result.rows.length) this.#done = true
    return rows
  }

  async cancel(): Promise<void> {
    if (!this.#done) this.#cancelled = true
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#onClose()
  }
}
