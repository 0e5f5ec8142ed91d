import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { QueryId } from '../../types/query-id.js'
import type { Value } from '../../types/value.js'
import type { TransportCursor } from '../transport.js'
import type { FinishedStatement, ResultPage, StatementClient } from './statement-client.js'

/**
 * A finished statement's result read page by page (GetStatementResult, or GetStatementResultV2 for
 * CSV pages): one page in memory at a time, whatever the result's size. The statement has already
 * run, so cancelling only stops the reading.
 */
export class DataApiCursor implements TransportCursor {
  readonly sessionId: string
  readonly columns: readonly ColumnMetadata[]
  readonly queryId: QueryId
  readonly #statements: StatementClient
  readonly #statement: FinishedStatement
  #next: ResultPage | undefined
  #nextToken: string | undefined
  #done: boolean
  #rowsFetched = 0

  private constructor(
    statements: StatementClient,
    statement: FinishedStatement,
    first: ResultPage | undefined,
  ) {
    this.#statements = statements
    this.#statement = statement
    this.sessionId = statement.sessionId ?? statement.id
    this.columns = first?.columns ?? []
    this.queryId = statement.redshiftQueryId > 0 ? String(statement.redshiftQueryId) : statement.id
    this.#next = first
    this.#nextToken = first?.nextToken
    this.#done = first === undefined
  }

  /** Reads the first page (for the columns) and returns the cursor over the rest. */
  static async open(statements: StatementClient, statement: FinishedStatement): Promise<DataApiCursor> {
    const first = statement.hasResultSet ? await statements.page(statement, undefined, true) : undefined
    return new DataApiCursor(statements, statement, first)
  }

  get rowsFetched(): number {
    return this.#rowsFetched
  }

  async next(): Promise<readonly (readonly Value[])[] | null> {
    let page = this.#next
    this.#next = undefined
    if (page === undefined) {
      if (this.#done || this.#nextToken === undefined) {
        this.#done = true
        return null
      }
      page = await this.#statements.page(this.#statement, this.#nextToken, false)
    }
    this.#nextToken = page.nextToken
    if (page.nextToken === undefined) this.#done = page.rows.length === 0
    this.#rowsFetched += page.rows.length
    if (page.rows.length === 0 && page.nextToken === undefined) {
      this.#done = true
      return null
    }
    return page.rows
  }

  async cancel(): Promise<void> {
    this.#done = true
    this.#next = undefined
  }

  async close(): Promise<void> {
    this.#done = true
    this.#next = undefined
  }
}
