import type { WrittenFile } from './file-series.js'
import type { OutputColumn } from './query-source.js'

/** Redshift's names of engine types in a MANIFEST VERBOSE schema. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  bool: 'boolean',
  bpchar: 'character',
  varchar: 'character varying',
  text: 'character varying',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  super: 'super',
}

function schemaType(c: OutputColumn): Record<string, unknown> {
  const type: Record<string, unknown> = { base: TYPE_NAMES[c.typeName] ?? c.typeName }
  // The documentation's example shows the dimensions bare inside `type`, which is not JSON; they are
  // written here under `dimensions`.
  if (c.length !== null) type.dimensions = [c.length]
  if (c.precision !== null) type.dimensions = [c.precision, c.scale ?? 0]
  return type
}

/**
 * The manifest UNLOAD writes with MANIFEST: `{"entries": [{"url": ...}]}`; with VERBOSE each entry has
 * `meta {content_length, record_count}`, and the file adds the columns' `schema`, the totals in `meta`
 * and `author` (DG `r_UNLOAD`, MANIFEST VERBOSE).
 */
export function manifestJson(
  files: readonly WrittenFile[],
  columns: readonly OutputColumn[],
  verbose: boolean,
): string {
  if (!verbose) return JSON.stringify({ entries: files.map((f) => ({ url: f.url })) })
  return JSON.stringify({
    entries: files.map((f) => ({ url: f.url, meta: { content_length: f.bytes, record_count: f.rows } })),
    schema: { elements: columns.map((c) => ({ name: c.name, type: schemaType(c) })) },
    meta: {
      content_length: files.reduce((n, f) => n + f.bytes, 0),
      record_count: files.reduce((n, f) => n + f.rows, 0),
    },
    author: { name: 'Amazon Redshift', version: '1.0.0' },
  })
}

/** The partition key types UNLOAD accepts (DG `r_UNLOAD`, PARTITION BY). */
export const PARTITION_TYPES = new Set([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float4',
  'bool',
  'bpchar',
  'varchar',
  'text',
  'date',
  'timestamp',
])

/** The Hive-style folder of one partition value: `col=value`, escaped as Hive escapes path names. */
export function partitionFolder(column: string, typeName: string, value: string | null): string {
  if (value === null) return `${column}=__HIVE_DEFAULT_PARTITION__`
  const text = typeName === 'bool' ? (value === 't' ? 'true' : 'false') : value
  const escaped = text.replace(/[^A-Za-z0-9 ._~+-]/g, (ch) =>
    [...Buffer.from(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
  return `${column}=${escaped}`
}
