/**
 * ListDatabases, ListSchemas, ListTables and DescribeTable: catalog queries run through the gateway
 * as the caller's database user. Like the JDBC metadata calls the service makes, they list what the
 * catalog shows, whatever the user's privileges on the tables.
 */

import type { ColumnMetadata } from './column-types.js'
import { describeType } from './column-types.js'
import type { GatewayConnection } from './gateway-connection.js'

/** `%` and `_` patterns, as LIKE takes them (a missing pattern matches everything). */
const ANY = '%'

/** Schemas of the engine that are not Redshift's (the local server's own bookkeeping, PostgreSQL's internals). */
const HIDDEN_SCHEMAS = `n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname <> 'rk_internal'`

export async function listDatabases(c: GatewayConnection): Promise<string[]> {
  const rows = await c.internal(
    "SELECT datname::text FROM pg_catalog.pg_database WHERE NOT datistemplate AND datallowconn AND datname <> 'postgres' ORDER BY 1",
  )
  return rows.map((r) => r[0] as string)
}

export async function listSchemas(c: GatewayConnection, pattern: string | undefined): Promise<string[]> {
  const rows = await c.internal(
    `SELECT n.nspname::text FROM pg_catalog.pg_namespace n WHERE n.nspname LIKE $1 AND ${HIDDEN_SCHEMAS} ORDER BY 1`,
    [pattern ?? ANY],
  )
  return rows.map((r) => r[0] as string)
}

/** A table as ListTables returns it. */
export interface TableMember {
  readonly name: string
  readonly schema: string
  readonly type: string
}

const TABLE_TYPE = `CASE WHEN c.relpersistence = 't' THEN 'LOCAL TEMPORARY'
  WHEN c.relkind IN ('v', 'm') THEN 'VIEW'
  WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN 'SYSTEM TABLE'
  ELSE 'TABLE' END`

export async function listTables(
  c: GatewayConnection,
  schemaPattern: string | undefined,
  tablePattern: string | undefined,
): Promise<TableMember[]> {
  const rows = await c.internal(
    `SELECT c.relname::text, CASE WHEN c.relpersistence = 't' THEN 'pg_temp' ELSE n.nspname::text END, ${TABLE_TYPE}
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname LIKE $1 AND c.relname LIKE $2
  AND (${HIDDEN_SCHEMAS} OR c.relpersistence = 't')
ORDER BY 2, 1`,
    [schemaPattern ?? ANY, tablePattern ?? ANY],
  )
  return rows.map((r) => ({ name: r[0] as string, schema: r[1] as string, type: r[2] as string }))
}

/** The columns of tables matching schema and table (exact names; absent means all). */
export async function describeColumns(
  c: GatewayConnection,
  schema: string | undefined,
  table: string | undefined,
): Promise<{ tableName?: string; columns: ColumnMetadata[] }> {
  const rows = await c.internal(
    `SELECT n.nspname::text, c.relname::text, a.attname::text, a.atttypid::int, a.atttypmod::int, a.attnotnull,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid), t.typname::text
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND ($1::text IS NULL OR n.nspname = $1) AND ($2::text IS NULL OR c.relname = $2) AND ${HIDDEN_SCHEMAS}
ORDER BY n.nspname, c.relname, a.attnum`,
    [schema ?? null, table ?? null],
  )
  const columns = rows.map(([nsp, rel, name, oid, typmod, notNull, def, typname]) => {
    const type = describeType(REDSHIFT_OIDS[typname as string] ?? Number(oid), Number(typmod))
    const column: ColumnMetadata = {
      isCaseSensitive: type.isCaseSensitive,
      isCurrency: false,
      isSigned: type.isSigned,
      label: name as string,
      length: 0,
      name: name as string,
      nullable: notNull === 't' ? 0 : 1,
      precision: type.precision,
      scale: type.scale,
      schemaName: nsp as string,
      tableName: rel as string,
      typeName: type.typeName,
    }
    if (def !== null && def !== undefined) column.columnDefault = def
    return column
  })
  const first = columns[0]
  return table === undefined || first === undefined ? { columns } : { tableName: first.tableName, columns }
}

/** Redshift's own types are engine types with other OIDs: named here so DescribeTable names them. */
const REDSHIFT_OIDS: Readonly<Record<string, number>> = {
  super: 4000,
  varbyte: 6551,
  geometry: 3000,
  geography: 3001,
  hllsketch: 2935,
}
