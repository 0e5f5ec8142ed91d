import type { ColumnMetadata } from '../../query/column-metadata.js'
import { TypeOid } from '../../types/oids.js'
import { createTypeParsers, type TypeParserOptions } from '../../types/type-parsers.js'
import type { Value } from '../../types/value.js'
import { shortestFloat4, wireTextPlan } from './parquet-text.js'

/** How the raw value of one top-level Parquet column becomes the value `streamResults` gives. */
export type ToValue = (raw: unknown) => Value

/** Text types whose built-in parser is the identity: a decoded Parquet string is already the value. */
const TEXT_OIDS = new Set<number>([TypeOid.VARCHAR, TypeOid.BPCHAR, TypeOid.TEXT, TypeOid.NAME, TypeOid.CHAR])

/** Date's range in milliseconds; beyond it (and for `infinity`) the wire text and its parser decide. */
const MAX_DATE_MS = 8.64e15

/**
 * Each top-level column's conversion from the raw Parquet value to the client's value. By default
 * the value goes the way `streamResults` takes it: to the wire text, then through the client's
 * parser for the column's type. Where the built-in parser's result can be made from the raw value
 * directly (no override for the type), it is, with the same result and none of the text in between:
 * per value, that text round trip cost more than decoding the file.
 *
 * Prepares the schema as {@link wireTextPlan} does (DECIMAL and TIMESTAMP_MICROS read as raw integers).
 *
 * @example
 * const toValue = valuePlan(metadata.schema, columns, client.config.typeParsers)
 * toValue[0](42n) // 42n for a BIGINT column
 */
export function valuePlan(
  schema: Parameters<typeof wireTextPlan>[0],
  columns: readonly Pick<ColumnMetadata, 'typeOid'>[],
  options: TypeParserOptions,
): ToValue[] {
  const types = schema.map((e) => e.type)
  const toText = wireTextPlan(schema)
  const parsers = createTypeParsers(options)
  // The physical type of each top-level column, in the order of wireTextPlan's plans.
  const physical = topLevelPositions(schema).map((at) => types[at])
  return toText.map((text, c) => {
    const oid = columns[c]?.typeOid ?? TypeOid.TEXT
    const parse = parsers(oid)
    // TIMESTAMPTZ travels with its offset; Redshift sessions are in UTC.
    const viaText: ToValue =
      oid === TypeOid.TIMESTAMPTZ
        ? (raw) => parse(typeof raw === 'bigint' ? `${text(raw)}+00` : text(raw))
        : (raw) => parse(text(raw))
    if (options.overrides?.[oid] !== undefined) return viaText
    return direct(oid, physical[c], options, viaText) ?? viaText
  })
}

function direct(
  oid: number,
  physical: string | undefined,
  options: TypeParserOptions,
  slow: ToValue,
): ToValue | undefined {
  switch (oid) {
    case TypeOid.BOOL:
      return (raw) => (typeof raw === 'boolean' ? raw : slow(raw))
    case TypeOid.INT2:
    case TypeOid.INT4:
    case TypeOid.FLOAT8:
      return (raw) => (typeof raw === 'number' ? raw : slow(raw))
    case TypeOid.FLOAT4:
      // The wire carries REAL's shortest text (1.1, not 1.100000023841858): the same number here.
      return physical === 'FLOAT'
        ? (raw) => (typeof raw === 'number' ? shortestFloat4(raw) : slow(raw))
        : undefined
    case TypeOid.INT8:
      if (options.bigint === 'string') return (raw) => (typeof raw === 'bigint' ? raw.toString() : slow(raw))
      return (raw) => (typeof raw === 'bigint' ? raw : slow(raw))
    case TypeOid.TIMESTAMP:
    case TypeOid.TIMESTAMPTZ:
      if (options.timestamps === 'string') return undefined
      // Microseconds to a Date, sub-millisecond digits truncated towards the past as the text parser does.
      return (raw) => {
        if (typeof raw !== 'bigint') return slow(raw)
        const us = Number(raw)
        const ms = Number.isSafeInteger(us)
          ? Math.floor(us / 1000)
          : Number(raw / 1000n - (raw % 1000n < 0n ? 1n : 0n))
        return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms) : slow(raw)
      }
    default:
      return TEXT_OIDS.has(oid) ? (raw) => (typeof raw === 'string' ? raw : slow(raw)) : undefined
  }
}

/**
 * Schema positions of the top-level columns (each group followed by its descendants).
 *
 * @example
 * topLevelPositions(metadata.schema).map((at) => metadata.schema[at]?.name) // the columns' names
 */
export function topLevelPositions(schema: readonly { num_children?: number }[]): number[] {
  const out: number[] = []
  const skip = (at: number): number => {
    const children = schema[at]?.num_children ?? 0
    let next = at + 1
    for (let i = 0; i < children; i++) next = skip(next)
    return next
  }
  for (let at = 1; at < schema.length; at = skip(at)) out.push(at)
  return out
}
