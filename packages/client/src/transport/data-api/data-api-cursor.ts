import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { QueryId } from '../../types/query-id.js'
import type { Value } from '../../types/value.js'
import type { TransportCursor } from '../transport.js'
import type { PageText } from './page-text.js'
import type { FinishedStatement, StatementClient } from './statement-client.js'

/** The whole buffer a page was read into (the page itself is a view of its first bytes). */
function whole(bytes: Buffer): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.buffer.byteLength - bytes.byteOffset)
}

/**
 * A finished statement's result read page by page (GetStatementResult, or GetStatementResultV2 for
 * CSV pages) and handed out `fetchSize` rows at a time. Memory is bounded by design: the page being
 * read is kept as the text the service sent and decoded one slice per `next()`, and at most one
 * page is fetched ahead (while the reader works through the current one), so whatever the result's
 * size the cursor holds two pages' text and one slice of rows. The statement has already run, so
 * cancelling only stops the reading.
 */
export class DataApiCursor implements TransportCursor {
  readonly sessionId: string
  readonly columns: readonly ColumnMetadata[]
  readonly queryId: QueryId
  readonly #statements: StatementClient
  readonly #statement: FinishedStatement
  readonly #fetchSize: number
  /** Stops a page fetched ahead when the cursor closes first. */
  readonly #abort = new AbortController()
  /** Page buffers read and given back, for the next pages (two at most: the current and the one ahead). */
  readonly #spare: Buffer[]
  #page: PageText | undefined
  #ahead: Promise<PageText> | undefined
  #rowsFetched = 0

  private constructor(
    statements: StatementClient,
    statement: FinishedStatement,
    first: PageText | undefined,
    fetchSize: number,
    spare: Buffer[],
  ) {
    this.#spare = spare
    this.#statements = statements
    this.#statement = statement
    this.#fetchSize = fetchSize
    this.sessionId = statement.sessionId ?? statement.id
    this.columns = first?.columns ?? []
    this.queryId = statement.redshiftQueryId > 0 ? String(statement.redshiftQueryId) : statement.id
    this.#current(first)
  }

  /** Reads the first page (for the columns) and returns the cursor over the result. */
  static async open(
    statements: StatementClient,
    statement: FinishedStatement,
    fetchSize: number,
  ): Promise<DataApiCursor> {
    if (!statement.hasResultSet) return new DataApiCursor(statements, statement, undefined, fetchSize, [])
    const spare: Buffer[] = []
    const first = await statements.page(statement, undefined, true, {
      release: (bytes) => spare.push(whole(bytes)),
    })
    return new DataApiCursor(statements, statement, first, fetchSize, spare)
  }

  get rowsFetched(): number {
    return this.#rowsFetched
  }

  /** Makes `page` the one being read and starts fetching the one after it. */
  #current(page: PageText | undefined): void {
    this.#page = page
    this.#ahead = undefined
    if (page?.nextToken === undefined) return
    const ahead = this.#fetch(page.nextToken)
    // Awaited by the next() that needs it; until then a failure must not count as unhandled.
    ahead.catch(() => undefined)
    this.#ahead = ahead
  }

  #fetch(nextToken: string): Promise<PageText> {
    const into = this.#spare.pop()
    return this.#statements.page(this.#statement, nextToken, false, {
      signal: this.#abort.signal,
      ...(into === undefined ? {} : { into }),
      release: (bytes) => {
        if (this.#spare.length < 2) this.#spare.push(whole(bytes))
      },
    })
  }

  async next(): Promise<readonly (readonly Value[])[] | null> {
    for (;;) {
      const page = this.#page
      if (page === undefined) return null
      if (!page.drained) {
        const rows = page.take(this.#fetchSize)
        if (rows.length > 0) {
          this.#rowsFetched += rows.length
          return rows
        }
      }
      if (page.nextToken === undefined) {
        this.#page = undefined
        return null
      }
      this.#current(await (this.#ahead ?? this.#fetch(page.nextToken)))
    }
  }

  async cancel(): Promise<void> {
    this.#stop()
  }

  async close(): Promise<void> {
    this.#stop()
  }

  #stop(): void {
    this.#spare.length = 0
    this.#page = undefined
    this.#ahead = undefined
    this.#abort.abort()
  }
}
