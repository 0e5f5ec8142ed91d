/**
 * Redshift Spectrum from the client: the external schemas and tables (SVV_EXTERNAL_SCHEMAS, _TABLES,
 * _COLUMNS, _PARTITIONS), and a check of a query against them before it runs.
 */
import { num, type SqlRunner, text } from '../workload/sql-runner.js'

/**
 * An external schema: a local name for a database of an external catalog.
 *
 * @example
 * for (const s of await client.listExternalSchemas()) console.log(s.name, '->', s.catalogDatabase)
 */
export interface ExternalSchema {
  readonly name: string
  /** The database in the external catalog (the Glue database for `data-catalog`). */
  readonly catalogDatabase: string
  readonly kind:
    | 'data-catalog'
    | 'hive-metastore'
    | 'postgres'
    | 'mysql'
    | 'redshift'
    | 'kinesis'
    | 'kafka'
    | 'other'
  readonly iamRole: string | null
  /** Every option CREATE EXTERNAL SCHEMA recorded (`IAM_ROLE`, `REGION`, ...). */
  readonly options: Readonly<Record<string, string>>
}

/**
 * A column of an external table.
 *
 * @example
 * const types = table.columns.map((c: ExternalColumn) => `${c.name} ${c.type}`) // ['id int', 'total decimal(8,2)']
 */
export interface ExternalColumn {
  readonly name: string
  /** As the catalog stores it: `int`, `string`, `decimal(10,2)`, ... */
  readonly type: string
  /** 1-based, data columns first, then partition columns. */
  readonly position: number
}

/**
 * A partition of an external table.
 *
 * @example
 * const days = table.partitions.map((p: ExternalPartition) => p.values[0]) // ['2024-01-01', ...]
 */
export interface ExternalPartition {
  /** One value per partition column, in order. */
  readonly values: readonly string[]
  readonly location: string
}

/**
 * An external table with its columns and partitions.
 *
 * @example
 * const [sales] = await client.listExternalTables('spectrum')
 * console.log(sales?.format, sales?.partitionKeys.map((k) => k.name), sales?.partitions.length)
 */
export interface ExternalTable {
  readonly schema: string
  readonly name: string
  readonly location: string
  readonly format: 'parquet' | 'orc' | 'avro' | 'json' | 'csv' | 'text' | 'other'
  readonly inputFormat: string
  readonly serializationLib: string
  readonly columns: readonly ExternalColumn[]
  readonly partitionKeys: readonly ExternalColumn[]
  readonly partitions: readonly ExternalPartition[]
  readonly parameters: Readonly<Record<string, string>>
}

/**
 * One finding of `client.validateSpectrumQuery()`.
 *
 * @example
 * for (const w of (await client.validateSpectrumQuery(sql)).warnings) console.warn(`${w.code}: ${w.message}`)
 */
export interface SpectrumIssue {
  readonly code:
    | 'UNKNOWN_EXTERNAL_TABLE'
    | 'UNKNOWN_COLUMN'
    | 'DML_ON_EXTERNAL_TABLE'
    | 'EXTERNAL_DDL_IN_TRANSACTION'
    | 'PLAN_FAILED'
    | 'NO_PARTITION_FILTER'
    | 'SELECT_STAR_ON_WIDE_TABLE'
  readonly message: string
  /** `schema.table` the finding is about, when it is about one. */
  readonly table?: string
}

/**
 * What `client.validateSpectrumQuery()` found: `valid` when there are no errors (warnings do not make a
 * query invalid).
 *
 * @example
 * const v = await client.validateSpectrumQuery('SELECT * FROM spectrum.sales')
 * if (!v.valid) throw new Error(v.errors.map((e) => e.message).join('; '))
 * for (const w of v.warnings) console.warn(w.code, w.message)
 */
export interface ValidationResult {
  readonly valid: boolean
  readonly errors: readonly SpectrumIssue[]
  readonly warnings: readonly SpectrumIssue[]
  /** The external tables the query reads, `schema.table`. */
  readonly externalTables: readonly string[]
}

const KINDS: Readonly<Record<number, ExternalSchema['kind']>> = {
  1: 'data-catalog',
  2: 'hive-metastore',
  3: 'postgres',
  4: 'redshift',
  5: 'redshift',
  8: 'mysql',
  9: 'kinesis',
  10: 'kafka',
}

function jsonObject(value: unknown): Record<string, string> {
  try {
    const parsed = JSON.parse(text(value as string) || '{}') as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {}
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
  } catch {
    return {}
  }
}

/** The external schemas of the connected database. */
export async function listExternalSchemas(run: SqlRunner): Promise<ExternalSchema[]> {
  const rows = await run(
    'SELECT schemaname, eskind, databasename, esoptions FROM svv_external_schemas ORDER BY schemaname',
  )
  return rows.map((r) => {
    const options = jsonObject(r.esoptions)
    return {
      name: text(r.schemaname),
      catalogDatabase: text(r.databasename),
      kind: KINDS[num(r.eskind)] ?? 'other',
      iamRole: options.IAM_ROLE ?? null,
      options,
    }
  })
}

function formatOf(input: string, serde: string): ExternalTable['format'] {
  const both = `${input} ${serde}`.toLowerCase()
  if (both.includes('parquet')) return 'parquet'
  if (both.includes('orc')) return 'orc'
  if (both.includes('avro')) return 'avro'
  if (both.includes('json')) return 'json'
  if (both.includes('opencsv')) return 'csv'
  if (both.includes('text') || both.includes('lazysimple')) return 'text'
  return 'other'
}

/** The external tables of `schema`, with columns and partitions. */
export async function listExternalTables(run: SqlRunner, schema: string): Promise<ExternalTable[]> {
  const [tables, columns, partitions] = await Promise.all([
    run(
      `SELECT tablename, location, input_format, serialization_lib, parameters FROM svv_external_tables
       WHERE schemaname = $1 ORDER BY tablename`,
      [schema],
    ),
    run(
      `SELECT tablename, columnname, external_type, columnnum, part_key FROM svv_external_columns
       WHERE schemaname = $1 ORDER BY tablename, columnnum`,
      [schema],
    ),
    run(`SELECT tablename, "values", location FROM svv_external_partitions WHERE schemaname = $1`, [schema]),
  ])
  return tables.map((t) => {
    const name = text(t.tablename)
    const cols = columns.filter((c) => text(c.tablename) === name)
    const column = (c: (typeof cols)[number]): ExternalColumn => ({
      name: text(c.columnname),
      type: text(c.external_type),
      position: num(c.columnnum),
    })
    const input = text(t.input_format)
    const serde = text(t.serialization_lib)
    return {
      schema,
      name,
      location: text(t.location),
      format: formatOf(input, serde),
      inputFormat: input,
      serializationLib: serde,
      columns: cols.filter((c) => num(c.part_key) === 0).map(column),
      partitionKeys: cols.filter((c) => num(c.part_key) > 0).map(column),
      partitions: partitions
        .filter((p) => text(p.tablename) === name)
        .map((p) => ({ values: parseValues(p.values), location: text(p.location) })),
      parameters: jsonObject(t.parameters),
    }
  })
}

function parseValues(value: unknown): string[] {
  try {
    const parsed = JSON.parse(text(value as string)) as unknown
    return Array.isArray(parsed) ? parsed.map(String) : []
  } catch {
    return []
  }
}
