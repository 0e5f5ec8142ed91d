/**
 * Parquet values as the text the wire protocol carries, so that rows read back from UNLOAD files go
 * through the client's own type parsers and come out exactly as `streamResults` gives them.
 */
type Element = {
  name: string
  type?: string
  converted_type?: string
  logical_type?: { type?: string; unit?: string }
  scale?: number
  num_children?: number
}

/** How the raw value of one top-level column becomes wire text. */
export type ToText = (raw: unknown) => string

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** Microseconds since the epoch as the server writes a TIMESTAMP: `0001-01-01 00:00:00`, `... 12:00:00.5`, `... BC`. */
function microsText(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n)
  const rest = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n
  const d = new Date(Number(ms))
  const year = d.getUTCFullYear()
  const fraction = rest === 0n ? '' : `.${rest.toString().padStart(6, '0').replace(/0+$/, '')}`
  return `${pad(year > 0 ? year : 1 - year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction}${year > 0 ? '' : ' BC'}`
}

function unscaledOf(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw
  if (typeof raw === 'number') return BigInt(raw)
  const bytes = raw as Uint8Array
  let value = 0n
  for (const byte of bytes) value = value * 256n + BigInt(byte)
  const bits = BigInt(bytes.length * 8)
  return bytes.length > 0 && value >= 1n << (bits - 1n) ? value - (1n << bits) : value
}

function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString()
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

/**
 * The shortest decimal that reads back as the same 32-bit float: the text REAL travels as on the wire
 * (1.1, where the float widened to a double prints 1.100000023841858).
 */
export function shortestFloat4(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v
  for (let digits = 1; digits < 9; digits++) {
    const n = Number(v.toPrecision(digits))
    if (Math.fround(n) === v) return n
  }
  return Number(v.toPrecision(9))
}

/**
 * Prepares the file's schema for exact reading (hyparquet would turn DECIMAL and TIMESTAMP_MICROS into
 * floats and milliseconds: their annotations are removed so the raw integers come through) and returns
 * each top-level column's conversion to wire text.
 */
export function wireTextPlan(schema: Element[]): ToText[] {
  const plans: ToText[] = []
  for (let at = 1; at < schema.length; at = skip(schema, at)) {
    const e = schema[at] as Element
    const ct = e.converted_type
    const lt = e.logical_type
    if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') {
      const scale = e.scale ?? 0
      delete e.converted_type
      delete e.logical_type
      plans.push((raw) => decimalText(unscaledOf(raw), scale))
    } else if (ct === 'TIMESTAMP_MICROS' || (lt?.type === 'TIMESTAMP' && lt.unit === 'MICROS')) {
      delete e.converted_type
      delete e.logical_type
      plans.push((raw) => microsText(BigInt(raw as bigint)))
    } else if (ct === 'DATE' || lt?.type === 'DATE') {
      plans.push((raw) => (raw instanceof Date ? raw.toISOString().slice(0, 10) : String(raw)))
    } else if (e.type === 'FLOAT') {
      plans.push((raw) => (typeof raw === 'number' ? String(shortestFloat4(raw)) : String(raw)))
    } else if (e.type === 'BOOLEAN') {
      plans.push((raw) => (raw ? 't' : 'f'))
    } else {
      plans.push((raw) => {
        if (raw instanceof Date) return microsText(BigInt(raw.getTime()) * 1000n)
        if (raw instanceof Uint8Array) return Buffer.from(raw).toString('hex')
        if (typeof raw === 'object' && raw !== null) return JSON.stringify(raw)
        return String(raw)
      })
    }
  }
  return plans
}

function skip(schema: Element[], at: number): number {
  const children = schema[at]?.num_children ?? 0
  let next = at + 1
  for (let i = 0; i < children; i++) next = skip(schema, next)
  return next
}
