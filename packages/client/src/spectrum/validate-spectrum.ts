/** Checks a query against the external catalog (and EXPLAIN) before it runs. */
import { isRedshiftError } from '../errors/redshift-error.js'
import { CODE_LEX_RULES, lexSql } from '../query/sql-scan.js'
import type { SqlRunner } from '../workload/sql-runner.js'
import {
  type ExternalSchema,
  type ExternalTable,
  listExternalTables,
  type SpectrumIssue,
  type ValidationResult,
} from './spectrum.js'

/**
 * An external table with more columns than this draws a warning when read with `SELECT *`.
 *
 * @example
 * if (table.columns.length > WIDE_TABLE_COLUMNS) console.warn('name the columns you need')
 */
export const WIDE_TABLE_COLUMNS = 20

interface Piece {
  readonly kind: 'word' | 'ident' | 'dot' | 'star' | 'semicolon' | 'other'
  /** Words lower-cased; quoted identifiers as written. */
  readonly value: string
}

function pieces(sql: string): Piece[] {
  const out: Piece[] = []
  lexSql(sql, CODE_LEX_RULES, (kind, start, end) => {
    const raw = sql.slice(start, end)
    if (kind === 'word') out.push({ kind: 'word', value: raw.toLowerCase() })
    else if (kind === 'quoted-identifier')
      out.push({ kind: 'ident', value: raw.slice(1, -1).replaceAll('""', '"') })
    else if (kind === 'char' && raw === '.') out.push({ kind: 'dot', value: '.' })
    else if (kind === 'char' && raw === '*') out.push({ kind: 'star', value: '*' })
    else if (kind === 'char' && raw === ';') out.push({ kind: 'semicolon', value: ';' })
    else if (kind !== 'line-comment' && kind !== 'block-comment' && !(kind === 'char' && /\s/.test(raw)))
      out.push({ kind: 'other', value: raw })
  })
  return out
}

const isName = (p: Piece | undefined): p is Piece =>
  p !== undefined && (p.kind === 'word' || p.kind === 'ident')
const DML = new Set(['insert', 'update', 'delete', 'truncate', 'merge'])
const ALIAS_STOP = new Set([
  'where',
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'having',
  'union',
  'set',
  'values',
  'natural',
])

interface Ref {
  readonly schema: string
  readonly table: string
  readonly alias: string | undefined
  readonly statement: number
}

/**
 * Validates `sql` against the external schemas: errors for unknown external tables or columns, DML on
 * an external table and external DDL inside a transaction block (`inTransaction`, or a BEGIN earlier
 * in `sql`); warnings for a partitioned table read without a filter on a partition column (every
 * partition is scanned) and for `SELECT *` on a wide external table. Column and plan problems come from
 * EXPLAIN, which is run for statements that read external tables.
 */
export async function validateSpectrumQuery(
  run: SqlRunner,
  schemas: readonly ExternalSchema[],
  sql: string,
  options: { readonly inTransaction?: boolean; readonly explain?: (sql: string) => Promise<unknown> } = {},
): Promise<ValidationResult> {
  const errors: SpectrumIssue[] = []
  const warnings: SpectrumIssue[] = []
  const external = new Set(schemas.map((s) => s.name))
  const tokens = pieces(sql)
  const refs: Ref[] = []
  const statements: Piece[][] = [[]]
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Piece
    if (t.kind === 'semicolon') {
      statements.push([])
      continue
    }
    statements[statements.length - 1]?.push(t)
    const dot = tokens[i + 1]
    const table = tokens[i + 2]
    if (!isName(t) || dot?.kind !== 'dot' || !isName(table) || !external.has(t.value)) continue
    let next = tokens[i + 3]
    if (next?.kind === 'word' && next.value === 'as') next = tokens[i + 4]
    const alias =
      isName(next) && !(next.kind === 'word' && ALIAS_STOP.has(next.value)) ? next.value : undefined
    refs.push({ schema: t.value, table: table.value, alias, statement: statements.length - 1 })
  }
  const tables = new Map<string, ExternalTable[]>()
  for (const schema of new Set(refs.map((r) => r.schema)))
    tables.set(schema, await listExternalTables(run, schema))
  const find = (r: Ref) => tables.get(r.schema)?.find((t) => t.name === r.table)
  let inBlock = options.inTransaction === true
  statements.forEach((st, index) => {
    const first = st[0]?.value
    const second = st[1]?.value
    if (first === 'begin' || (first === 'start' && second === 'transaction')) inBlock = true
    if (first === 'commit' || first === 'rollback' || first === 'end' || first === 'abort') inBlock = false
    const ddl =
      (first === 'create' && second === 'external') ||
      (first === 'alter' &&
        st.some((p) => p.value === 'partition') &&
        refs.some((r) => r.statement === index)) ||
      (first === 'drop' && second === 'table' && refs.some((r) => r.statement === index))
    if (ddl && inBlock) {
      errors.push({
        code: 'EXTERNAL_DDL_IN_TRANSACTION',
        message: `external DDL (${st
          .slice(0, 3)
          .map((p) => p.value.toUpperCase())
          .join(' ')} ...) cannot run inside a transaction block; run it outside BEGIN ... COMMIT`,
      })
    }
    const target = refs.find((r) => r.statement === index)
    if (
      first !== undefined &&
      DML.has(first) &&
      target !== undefined &&
      st.indexOf(st.find((p) => p.value === target.schema) as Piece) <= 3
    ) {
      errors.push({
        code: 'DML_ON_EXTERNAL_TABLE',
        message: `${first.toUpperCase()} is not supported on external table ${target.schema}.${target.table}: external tables are read-only`,
        table: `${target.schema}.${target.table}`,
      })
    }
  })
  // The table CREATE EXTERNAL TABLE names is not expected to exist yet.
  const creating = (r: Ref) => statements[r.statement]?.[0]?.value === 'create'
  for (const r of refs) {
    if (creating(r)) continue
    const t = find(r)
    const name = `${r.schema}.${r.table}`
    if (t === undefined) {
      errors.push({
        code: 'UNKNOWN_EXTERNAL_TABLE',
        message: `external table ${name} does not exist in schema ${r.schema}`,
        table: name,
      })
      continue
    }
    const st = statements[r.statement] ?? []
    // Qualified column references: alias.column or table.column.
    const columns = new Set([...t.columns, ...t.partitionKeys].map((c) => c.name))
    for (let i = 0; i + 2 < st.length; i++) {
      const q = st[i] as Piece
      if (
        !isName(q) ||
        st[i + 1]?.kind !== 'dot' ||
        !(q.value === r.alias || (q.value === r.table && st[i - 1]?.kind !== 'dot'))
      )
        continue
      const c = st[i + 2] as Piece
      if (
        c.kind === 'star' ||
        !isName(c) ||
        columns.has(c.value) ||
        c.value === '$path' ||
        c.value === '$size'
      )
        continue
      errors.push({
        code: 'UNKNOWN_COLUMN',
        message: `column ${c.value} does not exist in external table ${name}`,
        table: name,
      })
    }
    if (t.partitionKeys.length > 0) {
      const where = st.findIndex((p) => p.kind === 'word' && p.value === 'where')
      const keys = new Set(t.partitionKeys.map((k) => k.name))
      const filtered = where >= 0 && st.slice(where).some((p) => isName(p) && keys.has(p.value))
      if (!filtered) {
        warnings.push({
          code: 'NO_PARTITION_FILTER',
          message: `${name} is partitioned by ${[...keys].join(', ')} but the query does not filter on them: every partition (${t.partitions.length}) is scanned`,
          table: name,
        })
      }
    }
    const width = t.columns.length + t.partitionKeys.length
    const star = st.some(
      (p, i) =>
        p.kind === 'star' &&
        (st[i - 1]?.value === 'select' ||
          (st[i - 1]?.kind === 'dot' && st[i - 2]?.value === (r.alias ?? r.table))),
    )
    if (star && width > WIDE_TABLE_COLUMNS) {
      warnings.push({
        code: 'SELECT_STAR_ON_WIDE_TABLE',
        message: `SELECT * reads all ${width} columns of ${name}; name the columns you need (Spectrum bills the bytes it scans)`,
        table: name,
      })
    }
  }
  const readsExternal = refs.length > 0 && errors.length === 0
  // A statement with `$n` placeholders can only be explained with its parameters (`explain` has them).
  const onlyRead =
    statements.filter((s) => s.length > 0).length === 1 &&
    ['select', 'with'].includes(statements[0]?.[0]?.value ?? '')
  if (readsExternal && onlyRead && options.explain !== undefined) {
    try {
      await options.explain(sql)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const state = isRedshiftError(error) ? error.sqlState : undefined
      errors.push({ code: state === '42703' ? 'UNKNOWN_COLUMN' : 'PLAN_FAILED', message })
    }
  }
  return {
    valid: errors.length === 0,
    errors,
    warnings,
    externalTables: [...new Set(refs.map((r) => `${r.schema}.${r.table}`))],
  }
}
