import { closeSync, openSync, writeSync } from 'node:fs'
import type { ColumnMetadata, Row, Value } from '@redshift-kit/client'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { RowSink } from './sink.js'
import { timestampMicros } from './timestamp-micros.js'
import { valueText } from './value-text.js'

type Cell = string | number | bigint | boolean | null
type Element = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number]

interface ColumnPlan {
  readonly element: Element
  readonly convert: (v: Value) => Cell
}

const EPOCH_DAY = 86_400_000

function plan(column: ColumnMetadata): ColumnPlan {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const }
  switch (column.dataType) {
    case 'SMALLINT':
    case 'INTEGER':
      return { element: { ...base, type: 'INT32' }, convert: (v) => Number(v) }
    case 'BIGINT':
      return { element: { ...base, type: 'INT64' }, convert: (v) => BigInt(v as bigint) }
    case 'REAL':
      return { element: { ...base, type: 'FLOAT' }, convert: (v) => Number(v) }
    case 'DOUBLE PRECISION':
      return { element: { ...base, type: 'DOUBLE' }, convert: (v) => Number(v) }
    case 'BOOLEAN':
      return { element: { ...base, type: 'BOOLEAN' }, convert: (v) => v === true }
    case 'DATE':
      return {
        element: { ...base, type: 'INT32', converted_type: 'DATE' },
        convert: (v) => Math.floor(Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`) / EPOCH_DAY),
      }
    case 'TIMESTAMP':
    case 'TIMESTAMPTZ':
      return {
        element: { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MICROS' },
        convert: timestampMicros,
      }
    default:
      // DECIMAL stays exact as text; SUPER as JSON; VARBYTE as hex.
      return {
        element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' },
        convert: (v) => valueText(v),
      }
  }
}

/**
 * A Parquet file (SNAPPY) written row group by row group as batches arrive, flushed to the file
 * descriptor every megabyte: memory holds one row group, not the result.
 *
 * @example
 * const sink = new ParquetSink(openSync('out.parquet', 'w'))
 */
export class ParquetSink implements RowSink {
  #writer: ParquetWriter | undefined
  #bytesOut: ByteWriter | undefined
  #plans: ColumnPlan[] = []
  #bytes = 0
  constructor(
    private readonly fd: number,
    private readonly closeFd: boolean,
  ) {}

  /** Opens `path` for writing, or standard output for `-`. */
  static open(path: string): ParquetSink {
    return path === '-' ? new ParquetSink(1, false) : new ParquetSink(openSync(path, 'w'), true)
  }

  get bytes(): number {
    return this.#bytes + (this.#bytesOut?.index ?? 0)
  }

  #flush(): void {
    const out = this.#bytesOut
    if (!out || out.index === 0) return
    writeSync(this.fd, new Uint8Array(out.buffer, 0, out.index))
    this.#bytes += out.index
    out.index = 0
  }

  async begin(columns: readonly ColumnMetadata[]): Promise<void> {
    this.#plans = columns.map(plan)
    const out = new ByteWriter()
    const ensure = out.ensure.bind(out)
    out.ensure = (size: number) => {
      if (out.index > 1_000_000) this.#flush()
      ensure(size)
    }
    this.#bytesOut = out
    this.#writer = new ParquetWriter({
      writer: out,
      schema: [{ name: 'root', num_children: columns.length }, ...this.#plans.map((p) => p.element)],
      codec: 'SNAPPY',
    })
  }

  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return
    const columnData = this.#plans.map((p, i) => ({
      name: p.element.name,
      data: rows.map((r) => {
        const v = r.values[i] ?? null
        return v === null ? null : p.convert(v)
      }),
    }))
    this.#writer?.write({ columnData, rowGroupSize: rows.length })
    this.#flush()
  }

  async end(): Promise<void> {
    this.#writer?.finish()
    this.#flush()
    if (this.closeFd) closeSync(this.fd)
  }
}
