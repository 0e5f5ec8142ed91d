import { ValidationError } from '../../errors/client-errors.js'
import type { TargetColumn } from './target-columns.js'
import { columnText, type LoadValue } from './value-encoding.js'

type Cell = string | number | bigint | boolean | null
type Writer = typeof import('hyparquet-writer')
type SchemaElement = ConstructorParameters<Writer['ParquetWriter']>[0]['schema'][number]

const EPOCH_DAY = 86_400_000

/** Microseconds since the epoch: from a Date (ms), or from text keeping its microseconds. */
function micros(v: LoadValue): bigint {
  if (v instanceof Date) return BigInt(v.getTime()) * 1000n
  const text = String(v)
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    text.trim(),
  )
  if (!m) {
    const t = Date.parse(text)
    if (Number.isNaN(t)) throw new ValidationError(`not a timestamp: ${JSON.stringify(text)}`)
    return BigInt(t) * 1000n
  }
  const seconds = BigInt(Date.parse(`${m[1]}T${m[2]}${m[4] ?? 'Z'}`)) / 1000n
  return seconds * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'))
}

/** The unscaled integer of a decimal at `scale`, exactly (no float in between): what the writer takes for DECIMAL. */
function unscaled(v: LoadValue, scale: number): bigint {
  const text = typeof v === 'number' ? v.toFixed(scale) : String(v)
  const negative = text.trim().startsWith('-')
  const [whole = '0', fraction = ''] = text.trim().replace(/^[+-]/, '').split('.')
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction))
    throw new ValidationError(`not a decimal number: ${JSON.stringify(text)}`)
  const n = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}` || '0')
  return negative ? -n : n
}

/** How one column is written: its schema element and the conversion of a non-null value. */
export interface ParquetColumnPlan {
  readonly element: SchemaElement
  readonly convert: (v: Exclude<LoadValue, null | undefined>) => Cell
}

/** The Parquet type of each target column (Redshift's own mapping for COPY FROM PARQUET). */
export function parquetPlan(column: TargetColumn): ParquetColumnPlan {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const }
  switch (column.type) {
    case 'int2':
    case 'int4':
      return { element: { ...base, type: 'INT32' }, convert: (v) => Number(v) }
    case 'int8':
      return { element: { ...base, type: 'INT64' }, convert: (v) => BigInt(v as bigint) }
    case 'float4':
      return { element: { ...base, type: 'FLOAT' }, convert: (v) => Number(v) }
    case 'float8':
      return { element: { ...base, type: 'DOUBLE' }, convert: (v) => Number(v) }
    case 'bool':
      return {
        element: { ...base, type: 'BOOLEAN' },
        convert: (v) => v === true || v === 't' || v === 'true',
      }
    case 'date':
      return {
        element: { ...base, type: 'INT32', converted_type: 'DATE' },
        convert: (v) =>
          Math.floor(
            Number(micros(v instanceof Date ? v : `${String(v).slice(0, 10)} 00:00:00`) / 1000n) / EPOCH_DAY,
          ),
      }
    case 'timestamp':
    case 'timestamptz':
      return { element: { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MICROS' }, convert: micros }
    case 'numeric': {
      const precision = column.precision ?? 38
      const scale = column.scale ?? 0
      if (precision <= 18)
        return {
          element: { ...base, type: 'INT64', converted_type: 'DECIMAL', precision, scale },
          convert: (v) => unscaled(v, scale),
        }
      return {
        element: {
          ...base,
          type: 'FIXED_LEN_BYTE_ARRAY',
          type_length: 16,
          converted_type: 'DECIMAL',
          precision,
          scale,
        },
        convert: (v) => unscaled(v, scale),
      }
    }
    default:
      return {
        element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' },
        convert: (v) => columnText(column, v),
      }
  }
}

/**
 * Rows as one Parquet file (SNAPPY), written column by column in row groups of `rowGroupSize`.
 *
 * @example
 * const bytes = encodeParquet(writer, plans, rows)
 */
export function encodeParquet(
  writer: Writer,
  plans: readonly ParquetColumnPlan[],
  rows: readonly (readonly LoadValue[])[],
  rowGroupSize = 100_000,
): Uint8Array {
  const out = new writer.ByteWriter()
  const pw = new writer.ParquetWriter({
    writer: out,
    schema: [{ name: 'root', num_children: plans.length }, ...plans.map((p) => p.element)],
    codec: 'SNAPPY',
    // A staged file is read once, whole, by COPY: statistics and indexes would be work for nothing.
    statistics: false,
  })
  const columnData = plans.map((p, i) => ({
    offsetIndex: false,
    name: p.element.name,
    data: rows.map((r) => {
      const v = r[i]
      return v === null || v === undefined ? null : p.convert(v)
    }),
  }))
  pw.write({ columnData, rowGroupSize })
  pw.finish()
  return new Uint8Array(out.getBuffer())
}
