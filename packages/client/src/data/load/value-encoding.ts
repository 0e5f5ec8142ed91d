import { ValidationError } from '../../errors/client-errors.js'
import type { TargetColumn } from './target-columns.js'

/** A value a load accepts: what queries return, plus plain objects and arrays for SUPER columns. */
export type LoadValue = string | number | bigint | boolean | Date | Uint8Array | null | undefined | object

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `YYYY-MM-DD HH:MI:SS.ffffff` in UTC: a Date has milliseconds; a string keeps its microseconds. */
export function timestampText(v: LoadValue): string {
  if (v instanceof Date) {
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}.${pad(v.getUTCMilliseconds(), 3)}`
  }
  return String(v)
}

export function dateText(v: LoadValue): string {
  return v instanceof Date ? timestampText(v).slice(0, 10) : String(v)
}

/** JSON for SUPER: bigints keep their digits (written as JSON numbers). */
export function superText(v: LoadValue): string {
  if (typeof v === 'string') return v
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? `\u0000${x.toString()}\u0000` : x,
  ).replace(/"\\u0000(-?\d+)\\u0000"/g, '$1')
}

const hex = (v: Uint8Array) => Buffer.from(v).toString('hex')

/** The text of one value for its column, as COPY reads it (NULL is handled by the caller). */
export function columnText(column: TargetColumn, v: Exclude<LoadValue, null | undefined>): string {
  switch (column.type) {
    case 'timestamp':
    case 'timestamptz':
      return timestampText(v)
    case 'date':
      return dateText(v)
    case 'super':
      return superText(v)
    case 'varbyte':
    case 'varbinary':
    case 'bytea':
      return v instanceof Uint8Array ? hex(v) : String(v)
    case 'bool':
      return v === true || v === 't' || v === 'true'
        ? 't'
        : v === false || v === 'f' || v === 'false'
          ? 'f'
          : String(v)
    default:
      if (v instanceof Date) return timestampText(v)
      if (v instanceof Uint8Array) return hex(v)
      if (typeof v === 'object') {
        throw new ValidationError(`column ${column.name} (${column.type}) cannot take an object`, {
          problems: [{ field: column.name, message: 'objects and arrays load into SUPER columns only' }],
        })
      }
      return String(v)
  }
}

/** Whether Parquet carries a column exactly through COPY (SUPER and VARBYTE need text: CSV). */
export function parquetCarries(column: TargetColumn): boolean {
  return !['super', 'varbyte', 'varbinary', 'bytea', 'geometry', 'geography', 'hllsketch'].includes(
    column.type,
  )
}
