import { NotFoundError } from '../errors/query-errors.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { Value } from '../types/value.js'

type Columns = readonly Pick<ColumnMetadata, 'name'>[]

// One name index per column list, shared by every row of a result.
const indexes = new WeakMap<Columns, ReadonlyMap<string, number>>()

function nameIndex(columns: Columns): ReadonlyMap<string, number> {
  let index = indexes.get(columns)
  if (index === undefined) {
    const m = new Map<string, number>()
    columns.forEach((c, i) => {
      if (!m.has(c.name)) m.set(c.name, i)
    })
    // Redshift folds unquoted identifiers to lower case; a case-insensitive fallback finds `Total` as `total`.
    columns.forEach((c, i) => {
      const lower = `\u0000${c.name.toLowerCase()}`
      if (!m.has(lower)) m.set(lower, i)
    })
    index = m
    indexes.set(columns, index)
  }
  return index
}

/**
 * One result row: its `values` in column order, read by position or by column name.
 *
 * @example
 * const row = result.rows[0]
 * row.values[0]        // 1000000n
 * row.get('total')     // 1000000n (also row.get(0))
 * row.toObject()       // { total: 1000000n }
 */
export class Row {
  /** The values, in column order. */
  readonly values: readonly Value[]
  /** The columns the values belong to (empty for a row built without them). */
  declare readonly columns: Columns

  constructor(values: readonly Value[], columns: Columns = []) {
    this.values = Object.isFrozen(values) ? values : Object.freeze([...values])
    // Non-enumerable: a row serialises as its values, not as a copy of the column list.
    Object.defineProperty(this, 'columns', { value: columns, enumerable: false })
    Object.freeze(this)
  }

  /**
   * The value at a position, or of the first column with that name (exact, then case-insensitive).
   * Throws {@link NotFoundError} for a position or name the row does not have.
   */
  get(indexOrName: number | string): Value {
    const i = typeof indexOrName === 'number' ? indexOrName : this.#indexOf(indexOrName)
    if (!Number.isInteger(i) || i < 0 || i >= this.values.length) {
      throw new NotFoundError(
        `no column at position ${indexOrName}; the row has ${this.values.length} values`,
      )
    }
    return this.values[i] as Value
  }

  /** Whether the row has a column with this name. */
  has(name: string): boolean {
    return this.#lookup(name) !== undefined
  }

  /** The row as `{ columnName: value }`; with duplicate names, the first column wins. */
  toObject(): Record<string, Value> {
    const out: Record<string, Value> = {}
    this.columns.forEach((c, i) => {
      if (!Object.hasOwn(out, c.name)) out[c.name] = this.values[i] as Value
    })
    return out
  }

  #lookup(name: string): number | undefined {
    const index = nameIndex(this.columns)
    return index.get(name) ?? index.get(`\u0000${name.toLowerCase()}`)
  }

  #indexOf(name: string): number {
    const i = this.#lookup(name)
    if (i === undefined) {
      const names = this.columns.map((c) => c.name).join(', ')
      throw new NotFoundError(
        `no column named ${JSON.stringify(name)}; the columns are: ${names || '(none)'}`,
      )
    }
    return i
  }
}
