import {
  CommandSyntaxError,
  isSignificant,
  REDSHIFT_SETTING_DEFAULTS,
  tokenize,
  translateStatement,
} from '@redshift-kit/dialect'
import type { SqlResult, SqlRunner } from '../load/sql-runner.js'
import { quoteIdent } from '../load/target-table.js'

/** A column of the UNLOAD's result. */
export interface OutputColumn {
  readonly name: string
  /** The engine's type name (`int4`, `varchar`, `numeric`, `super`, ...). */
  readonly typeName: string
  /** As SQL writes it, with its dimensions when known (`character varying(20)`), else `typeName`. */
  readonly sqlType: string
  /** numeric precision/scale or char length, when known. */
  readonly precision: number | null
  readonly scale: number | null
  readonly length: number | null
}

/** Rows per FETCH: a batch the writers encode at once. */
const FETCH_ROWS = 10_000

/**
 * The inner query as the engine runs it: translated from Redshift's dialect like any statement (so
 * SYSDATE, TOP, DATEDIFF and the rest work), and refused as Redshift refuses it: only a query, and no
 * LIMIT on the outermost SELECT (DG `r_UNLOAD`, "Limit clause").
 */
export function engineQuery(query: string, queryId: number): string {
  const tokens = tokenize(query).filter(isSignificant)
  const first = tokens[0]?.value
  if (first !== 'select' && first !== 'with' && first !== '(') {
    throw new CommandSyntaxError(
      '42601',
      'UNLOAD takes a SELECT statement',
      "write UNLOAD ('select ...') TO 's3://...'",
    )
  }
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++
    else if (t.kind === 'punct' && t.text === ')') depth--
    else if (depth === 0 && t.kind === 'word' && t.value === 'limit') {
      throw new CommandSyntaxError(
        '0A000',
        'Limit clause is not supported in the outermost SELECT of UNLOAD',
        'nest the LIMIT: select * from t where id in (select id from t order by id limit 10)',
      )
    }
  }
  const translated = translateStatement(query, {
    queryId,
    lastQueryId: -1,
    settings: { ...REDSHIFT_SETTING_DEFAULTS },
  })
  if (translated.error !== undefined)
    throw new CommandSyntaxError(translated.error.sqlState, translated.error.message, translated.error.hint)
  if (translated.gatewayCommand !== undefined)
    throw new CommandSyntaxError('42601', 'UNLOAD takes a SELECT statement')
  return translated.sql.replace(/;\s*$/, '')
}

/**
 * The result's columns: names and types from a zero-row run of the query, and, when the names are unique
 * (a view needs them so), the dimensions from a temporary view over it.
 */
export async function describeQuery(query: SqlRunner, sql: string, queryId: number): Promise<OutputColumn[]> {
  const probe = await query(`SELECT * FROM (${sql}) AS rk_unload LIMIT 0`)
  const oids = probe.fields.map((f) => String(f.typeOid))
  const names = await query(
    "SELECT t.oid::text, coalesce(b.typname, t.typname) FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype WHERE t.oid = ANY($1::oid[])",
    [`{${oids.join(',')}}`],
  )
  const typeNames = new Map(names.rows.map((r) => [r[0] as string, r[1] as string]))
  const columns: OutputColumn[] = probe.fields.map((f) => {
    const typeName = typeNames.get(String(f.typeOid)) ?? 'text'
    return { name: f.name, typeName, sqlType: typeName, precision: null, scale: null, length: null }
  })
  if (new Set(columns.map((c) => c.name)).size !== columns.length) return columns
  const view = quoteIdent(`rk_unload_${queryId}`)
  await query(`CREATE TEMPORARY VIEW ${view} AS SELECT * FROM (${sql}) AS rk_unload`)
  const dims = await query(
    `SELECT pg_catalog.format_type(atttypid, atttypmod), atttypmod::text FROM pg_catalog.pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum`,
    [`pg_temp.${view}`],
  )
  await query(`DROP VIEW pg_temp.${view}`)
  return columns.map((c, i) => {
    const [sqlType, typmodText] = (dims.rows[i] ?? [c.typeName, '-1']) as [string, string]
    const typmod = Number(typmodText)
    let precision: number | null = null
    let scale: number | null = null
    let length: number | null = null
    if (c.typeName === 'numeric' && typmod >= 4) {
      precision = ((typmod - 4) >> 16) & 0xffff
      scale = (typmod - 4) & 0xffff
    } else if ((c.typeName === 'varchar' || c.typeName === 'bpchar') && typmod >= 4) {
      length = typmod - 4
    }
    return { ...c, sqlType, precision, scale, length }
  })
}

/**
 * The query's rows, FETCH by FETCH from a cursor in the client's session. WITH HOLD because the client
 * may be outside a transaction block (the cursor then lives in the statement's implicit transaction);
 * it is closed before the command ends.
 */
export async function* fetchRows(
  query: SqlRunner,
  sql: string,
  queryId: number,
  orderBy: readonly number[],
  signal: AbortSignal,
): AsyncIterable<readonly (readonly (string | null)[])[]> {
  const cursor = quoteIdent(`rk_unload_${queryId}`)
  const order = orderBy.length === 0 ? '' : ` ORDER BY ${orderBy.map((p) => String(p + 1)).join(', ')}`
  const body = order === '' ? sql : `SELECT * FROM (${sql}) AS rk_unload${order}`
  await query(`DECLARE ${cursor} NO SCROLL CURSOR WITH HOLD FOR ${body}`)
  const fetch = () => query(`FETCH FORWARD ${FETCH_ROWS} FROM ${cursor}`)
  // The next FETCH is asked for before a batch is handed on: the engine reads it while the batch is
  // encoded (the session pipelines the statements).
  let next: Promise<SqlResult> | undefined = fetch()
  try {
    for (;;) {
      signal.throwIfAborted()
      const batch = await (next as Promise<SqlResult>)
      next = undefined
      if (batch.rows.length === 0) break
      const more = batch.rows.length === FETCH_ROWS
      if (more) next = fetch()
      yield batch.rows
      if (!more) break
    }
  } finally {
    if (next !== undefined) await next.catch(() => undefined)
    await query(`CLOSE ${cursor}`).catch(() => undefined)
  }
}
