import type { SqlRunner } from './sql-runner.js'
import { quoteIdent, type TargetColumn } from './target-table.js'

/** Rows per INSERT: large enough to amortise a statement, small enough to keep memory flat. */
const BATCH_ROWS = 20_000
/** INSERTs sent before the first of them must have answered: the engine works while the next is built. */
const IN_FLIGHT = 2

/** One array element of a PostgreSQL array literal. */
function element(value: string | null): string {
  if (value === null) return 'NULL'
  // Quoted always: an unquoted element would need every special character checked.
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/**
 * Loads converted rows into the table on the client's session, in its transaction: one
 * `INSERT ... SELECT * FROM unnest($1::type[], ...)` per batch of rows, each column an array parameter
 * of the column's own type, with a bounded number of INSERTs in flight.
 */
export class RowSink {
  readonly #query: SqlRunner
  readonly #sql: string
  readonly #columns: number
  #batch: (string | null)[][] = []
  readonly #pending: Promise<unknown>[] = []
  #rows = 0

  constructor(query: SqlRunner, table: string, columns: readonly TargetColumn[]) {
    this.#query = query
    this.#columns = columns.length
    // ROWS FROM (unnest(a), unnest(b)) is what the multi-array unnest(a, b) expands to, schema-qualified.
    const arrays = columns.map((c, i) => `pg_catalog.unnest($${i + 1}::${c.sqlType}[])`).join(', ')
    this.#sql = `INSERT INTO ${table} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) SELECT * FROM ROWS FROM (${arrays})`
  }

  /** Rows handed to the engine so far. */
  get rows(): number {
    return this.#rows
  }

  /** Queues a row; true when a batch is full and `flush()` should be awaited. */
  add(row: (string | null)[]): boolean {
    this.#batch.push(row)
    return this.#batch.length >= BATCH_ROWS
  }

  /** Sends what is left and waits for every INSERT; rejects with the engine's error if one failed. */
  async finish(): Promise<number> {
    await this.flush()
    await Promise.all(this.#pending.splice(0))
    return this.#rows
  }

  /** Sends the queued rows as one INSERT, waiting only when too many are already in flight. */
  async flush(): Promise<void> {
    const batch = this.#batch
    if (batch.length === 0) return
    this.#batch = []
    const params: string[] = []
    for (let c = 0; c < this.#columns; c++) {
      const parts = new Array<string>(batch.length)
      for (let r = 0; r < batch.length; r++) parts[r] = element((batch[r] as (string | null)[])[c] ?? null)
      params.push(`{${parts.join(',')}}`)
    }
    this.#rows += batch.length
    const sent = this.#query(this.#sql, params)
    // Mark the rejection handled now; finish() or the next wait reports it.
    sent.catch(() => undefined)
    this.#pending.push(sent)
    if (this.#pending.length >= IN_FLIGHT) await this.#pending.shift()
  }
}
