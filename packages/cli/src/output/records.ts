import { ColumnMetadata, Row, type Value } from '@redshift-kit/client'
import type { RowSink } from './sink.js'

/**
 * Writes plain records (load errors, queues, metrics) through any row sink, with `columns` as
 * [key, header] pairs, so every command's tables look and export alike.
 *
 * @example
 * await writeRecords(sink, [['lineNumber', 'line'], ['errorMessage', 'error']], loadErrors)
 */
export async function writeRecords(
  sink: RowSink,
  columns: readonly (readonly [string, string])[],
  records: readonly object[],
): Promise<void> {
  const meta = columns.map(([, header]) => new ColumnMetadata(header, 'VARCHAR'))
  await sink.begin(meta)
  const rows = records.map((record) => {
    const values = columns.map(([key]) => {
      const v = (record as Record<string, unknown>)[key]
      if (v === undefined || v === null) return null
      if (v instanceof Date) return v
      if (typeof v === 'object' && !(v instanceof Uint8Array)) return String(v)
      return v as Value
    })
    return new Row(values, meta)
  })
  await sink.write(rows)
  await sink.end()
}
