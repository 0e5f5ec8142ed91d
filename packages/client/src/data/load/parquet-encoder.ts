import { ValidationError } from '../../errors/client-errors.js'
import type { TargetColumn } from './target-columns.js'
import { columnText, type LoadValue } from './value-encoding.js'

type Cell = string | number | bigint | boolean | null
type Writer = typeof import('hyparquet-writer')
type SchemaElement = ConstructorParameters<Writer['ParquetWriter']>[0]['schema'][number]

const EPOCH_DAY = 86_400_000

/** Microseconds since the epoch: from a Date (ms), or from text keeping its microseconds. */
function micros(v: LoadValue): bigint {
  if (v instanceof Date) {
    const us = v.getTime() * 1000
    return Number.isSafeInteger(us) ? BigInt(us) : BigInt(v.getTime()) * 1000n
  }
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
  const quick = unscaledQuick(text, scale)
  if (quick !== undefined) return quick
  const negative = text.trim().startsWith('-')
  const [whole = '0', fraction = ''] = text.trim().replace(/^[+-]/, '').split('.')
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction))
    throw new ValidationError(`not a decimal number: ${JSON.stringify(text)}`)
  const n = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}` || '0')
  return negative ? -n : n
}

/**
 * {@link unscaled} for plain short text (`-123.45`): digits summed in a double, exact up to 2^53, and
 * one BigInt at the end; undefined for anything else (long, spaced or not a number), which goes the
 * general way.
 */
function unscaledQuick(text: string, scale: number): bigint | undefined {
  if (text.length > 16) return undefined
  const sign = text.charCodeAt(0)
  let i = sign === 45 || sign === 43 ? 1 : 0
  if (i >= text.length) return undefined
  let n = 0
  let fraction = -1
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 46 && fraction < 0) fraction = 0
    else if (c >= 48 && c <= 57) {
      if (fraction >= 0) {
        if (fraction === scale) continue
        fraction++
      }
      n = n * 10 + (c - 48)
    } else return undefined
  }
  for (let k = Math.max(fraction, 0); k < scale; k++) n *= 10
  if (!Number.isSafeInteger(n)) return undefined
  return BigInt(sign === 45 ? -n : n)
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

type Typed = Int32Array | BigInt64Array | Float32Array | Float64Array
type TypedConstructor = { new (length: number): Typed }

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Whether a converted value can be held in the column's typed array as exactly what the writer would write. */
const FITS: Readonly<Record<string, (cell: Cell) => boolean>> = {
  INT32: (c) => typeof c === 'number' && (c | 0) === c,
  INT64: (c) => typeof c === 'bigint' && c >= INT64_MIN && c <= INT64_MAX,
  FLOAT: (c) => typeof c === 'number',
  DOUBLE: (c) => typeof c === 'number',
}
const TYPED: Readonly<Record<string, TypedConstructor>> = {
  INT32: Int32Array,
  INT64: BigInt64Array,
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
}

/**
 * One column's values in a file being built: numbers in a typed array (no object per value to keep
 * alive until the file is written), falling back to a plain array for a null or a value the typed
 * array could not hold as it is (which the writer then handles, or refuses, as it would have).
 */
class ColumnValues {
  readonly #fits: ((cell: Cell) => boolean) | undefined
  readonly #make: TypedConstructor | undefined
  #typed: Typed | undefined
  #plain: Cell[] | undefined
  #length = 0
  /** Whether a null was pushed since the last take. */
  hasNull = false

  constructor(physical: string | undefined) {
    this.#fits = physical === undefined ? undefined : FITS[physical]
    this.#make = physical === undefined ? undefined : TYPED[physical]
    this.#reset()
  }

  #reset(): void {
    this.#length = 0
    this.hasNull = false
    this.#plain = this.#make === undefined ? [] : undefined
    this.#typed ??= this.#make === undefined ? undefined : new this.#make(1024)
  }

  push(cell: Cell): void {
    if (cell === null) this.hasNull = true
    const typed = this.#typed
    if (this.#plain === undefined && typed !== undefined) {
      if ((this.#fits as (cell: Cell) => boolean)(cell)) {
        if (this.#length === typed.length) {
          const grown = new (this.#make as TypedConstructor)(typed.length * 2)
          grown.set(typed as never)
          this.#typed = grown
        }
        ;(this.#typed as Typed)[this.#length++] = cell as never
        return
      }
      this.#plain = Array.from(typed.subarray(0, this.#length) as ArrayLike<Cell>)
    }
    ;(this.#plain as Cell[]).push(cell)
    this.#length++
  }

  /** The values for the writer (valid until the next push), and the column emptied. */
  take(): ArrayLike<Cell> {
    const out = this.#plain ?? (this.#typed as Typed).subarray(0, this.#length)
    this.#reset()
    return out as ArrayLike<Cell>
  }
}

/**
 * One Parquet file being built (SNAPPY), column by column as rows arrive: each value is converted
 * when it is added, so the caller's rows are not held (they die young), and numbers are kept in
 * typed arrays. `finish()` writes the file and empties the builder.
 *
 * @example
 * const file = new ParquetFileBuilder(writer, columns.map(parquetPlan))
 * for (const row of rows) file.add(row)
 * const bytes = file.finish()
 */
export class ParquetFileBuilder {
  readonly #writer: Writer
  readonly #plans: readonly ParquetColumnPlan[]
  readonly #columns: ColumnValues[]
  rows = 0
  /** A cheap estimate of the file's size before compression (strings by length, the rest 8 bytes). */
  bytes = 0

  constructor(writer: Writer, plans: readonly ParquetColumnPlan[]) {
    this.#writer = writer
    this.#plans = plans
    this.#columns = plans.map((p) => new ColumnValues(p.element.type))
  }

  add(row: readonly LoadValue[]): void {
    const plans = this.#plans
    let bytes = 0
    for (let i = 0; i < plans.length; i++) {
      const v = row[i]
      const cell = v === null || v === undefined ? null : (plans[i] as ParquetColumnPlan).convert(v)
      ;(this.#columns[i] as ColumnValues).push(cell)
      bytes += typeof cell === 'string' ? cell.length + 4 : 8
    }
    this.rows++
    this.bytes += bytes
  }

  finish(rowGroupSize = 100_000): Uint8Array {
    const out = new this.#writer.ByteWriter()
    // A column without a null in this file is written REQUIRED: no definition levels to build and store.
    const elements = this.#plans.map(
      (p, i): SchemaElement =>
        (this.#columns[i] as ColumnValues).hasNull
          ? p.element
          : { ...p.element, repetition_type: 'REQUIRED' },
    )
    const pw = new this.#writer.ParquetWriter({
      writer: out,
      schema: [{ name: 'root', num_children: this.#plans.length }, ...elements],
      codec: 'SNAPPY',
      // A staged file is read once, whole, by COPY: statistics and indexes would be work for nothing.
      statistics: false,
    })
    const columnData = this.#plans.map((p, i) => ({
      offsetIndex: false,
      name: p.element.name,
      data: (this.#columns[i] as ColumnValues).take() as Cell[],
    }))
    this.rows = 0
    this.bytes = 0
    pw.write({ columnData, rowGroupSize })
    pw.finish()
    return new Uint8Array(out.getBuffer())
  }
}
