import type { CopyStatement } from '@redshift-kit/dialect'
import { CommandSyntaxError } from '@redshift-kit/dialect'
import type { SqlRunner } from './sql-runner.js'

/** How the converter treats a column's values. */
export type ColumnCategory =
  | 'int2'
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'float4'
  | 'float8'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'time'
  | 'timetz'
  | 'char'
  | 'varchar'
  | 'super'
  | 'other'

/** One column a COPY loads. */
export interface TargetColumn {
  readonly name: string
  /** The engine's type name (the base type of a domain), as STL_LOAD_ERRORS.type shows it. */
  readonly typeName: string
  /** The column's type as SQL writes it (`character varying(20)`, `numeric(12,2)`). */
  readonly sqlType: string
  readonly category: ColumnCategory
  /** CHAR/VARCHAR length in bytes, or null when unbounded. */
  readonly length: number | null
  readonly precision: number | null
  readonly scale: number | null
  readonly notNull: boolean
  readonly hasDefault: boolean
}

/** The table a COPY loads, resolved in the client's session (its search_path and privileges). */
export interface TargetTable {
  readonly oid: number
  /** Schema-qualified and quoted, for SQL. */
  readonly sqlName: string
  /** As Redshift's notices name it: the table name without schema. */
  readonly displayName: string
  readonly columns: readonly TargetColumn[]
}

const CATEGORIES: Readonly<Record<string, ColumnCategory>> = {
  int2: 'int2',
  int4: 'int4',
  int8: 'int8',
  numeric: 'numeric',
  float4: 'float4',
  float8: 'float8',
  bool: 'bool',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  time: 'time',
  timetz: 'timetz',
  bpchar: 'char',
  varchar: 'varchar',
  text: 'varchar',
  super: 'super',
}

/** Quotes an identifier for SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

const COLUMNS_SQL = `SELECT a.attname, coalesce(bt.typname, t.typname) AS typname,
  CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
  a.attnotnull::text, (a.atthasdef OR a.attidentity <> '')::text AS hasdef, a.attidentity, a.attgenerated,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS sqltype
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

/**
 * Finds the COPY's table and the columns it loads: the column list, or every column but IDENTITY and
 * generated ones (IDENTITY ones too with EXPLICIT_IDS), in table order.
 */
export async function resolveTargetTable(query: SqlRunner, copy: CopyStatement): Promise<TargetTable> {
  const parts = copy.table.parts.length === 3 ? copy.table.parts.slice(1) : copy.table.parts
  const sqlName = parts.map(quoteIdent).join('.')
  const found = await query(
    `SELECT c.oid::text, n.nspname, c.relkind::text, pg_catalog.has_table_privilege(c.oid, 'INSERT')::text
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = pg_catalog.to_regclass($1)`,
    [sqlName],
  )
  const row = found.rows[0]
  if (row === undefined) {
    throw new CommandSyntaxError('42P01', `relation "${parts.join('.')}" does not exist`)
  }
  const [oid, schema, relkind, canInsert] = row as [string, string, string, string]
  if (relkind !== 'r' && relkind !== 'p') {
    throw new CommandSyntaxError(
      '42809',
      `COPY can only load tables, and "${parts.join('.')}" is not a table`,
    )
  }
  if (canInsert !== 'true') {
    throw new CommandSyntaxError('42501', `permission denied for relation ${copy.table.table}`)
  }
  const result = await query(COLUMNS_SQL, [oid])
  const all = result.rows.map((r) => {
    const [name, typeName, typmodText, notNull, hasDefault, identity, generated, sqlType] = r as string[]
    const typmod = Number(typmodText)
    const category = CATEGORIES[typeName as string] ?? 'other'
    let length: number | null = null
    let precision: number | null = null
    let scale: number | null = null
    if ((category === 'char' || category === 'varchar') && typeName !== 'text' && typmod >= 4)
      length = typmod - 4
    if (category === 'numeric' && typmod >= 4) {
      precision = ((typmod - 4) >> 16) & 0xffff
      scale = (typmod - 4) & 0xffff
    }
    const column: TargetColumn = {
      name: name as string,
      typeName: typeName as string,
      sqlType: sqlType as string,
      category,
      length,
      precision,
      scale,
      notNull: notNull === 'true',
      hasDefault: hasDefault === 'true',
    }
    return { column, identity: identity !== '', generated: generated !== '' }
  })
  let columns: TargetColumn[]
  if (copy.columns === null) {
    columns = all
      .filter((c) => !c.generated && (copy.options.explicitIds || !c.identity))
      .map((c) => c.column)
  } else {
    const byName = new Map(all.map((c) => [c.column.name, c]))
    const seen = new Set<string>()
    columns = copy.columns.map((name) => {
      const c = byName.get(name)
      if (c === undefined)
        throw new CommandSyntaxError(
          '42703',
          `column "${name}" of relation "${copy.table.table}" does not exist`,
        )
      if (seen.has(name)) throw new CommandSyntaxError('42701', `column "${name}" specified more than once`)
      if (c.identity && !copy.options.explicitIds)
        throw new CommandSyntaxError(
          '0A000',
          `cannot set an explicit value for IDENTITY column "${name}"`,
          'add EXPLICIT_IDS to load IDENTITY values from the data, or leave the column out of the list',
        )
      seen.add(name)
      return c.column
    })
  }
  return {
    oid: Number(oid),
    sqlName: `${quoteIdent(schema)}.${quoteIdent(parts[parts.length - 1] as string)}`,
    displayName: copy.table.table,
    columns,
  }
}
