import { Readable } from 'node:stream'
import { ValidationError } from '../../errors/client-errors.js'
import type { LoadValue } from './value-encoding.js'

/** A row a load accepts: values in column order, or an object keyed by column name. */
export type LoadRow = readonly LoadValue[] | Readonly<Record<string, LoadValue>>

/** The rows of a load: an array, any iterable or async iterable, or an object-mode `Readable`. */
export type LoadRows = Iterable<LoadRow> | AsyncIterable<LoadRow> | Readable

/**
 * The rows as value arrays in `columns` order. Objects are matched by name (case-insensitive, as
 * Redshift folds names); a key that names no column is an error, a missing one is NULL.
 */
export async function* alignedRows(rows: LoadRows, columns: readonly string[]): AsyncGenerator<LoadValue[]> {
  const index = new Map(columns.map((c, i) => [c.toLowerCase(), i]))
  const source: AsyncIterable<LoadRow> | Iterable<LoadRow> =
    rows instanceof Readable ? (rows as AsyncIterable<LoadRow>) : rows
  let n = 0
  for await (const row of source) {
    n++
    if (Array.isArray(row)) {
      if (row.length !== columns.length)
        throw new ValidationError(
          `row ${n} has ${row.length} values; the table has ${columns.length} columns (${columns.join(', ')})`,
        )
      yield row as LoadValue[]
      continue
    }
    if (row === null || typeof row !== 'object')
      throw new ValidationError(
        `row ${n} is ${row === null ? 'null' : typeof row}: give an array of values or an object`,
      )
    const out: LoadValue[] = new Array(columns.length).fill(null)
    for (const [key, value] of Object.entries(row)) {
      const i = index.get(key.toLowerCase())
      if (i === undefined)
        throw new ValidationError(
          `row ${n} has a field "${key}" that is not a column of the table (${columns.join(', ')})`,
        )
      out[i] = value
    }
    yield out
  }
}
