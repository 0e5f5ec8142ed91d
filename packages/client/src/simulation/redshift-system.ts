import type { UnloadedFile } from '../data/data-results.js'
import { LOAD_ERROR_COLUMNS } from '../data/load-error.js'
import { TableRef } from '../data/table-ref.js'
import type { LoadError } from '../errors/load-error.js'
import type { TransportResult } from '../transport/transport.js'
import { ColumnMetadata } from '../types/column-metadata.js'
import type { DataType } from '../types/data-type.js'
import { type SqlToken, scanSql } from '../types/sql-scan.js'
import type { QueryParam, Value } from '../types/value.js'

/**
 * The per-session state Redshift keeps that the client reads back after COPY and UNLOAD
 * (`pg_last_copy_count()`, `pg_last_copy_id()`, `pg_last_unload_count()`).
 */
export interface SessionCounters {
  lastCopyCount: bigint
  lastCopyId: number
  lastUnloadCount: bigint
}

/** A fresh session's counters (Redshift's values before any COPY or UNLOAD). */
export function newSessionCounters(): SessionCounters {
  return { lastCopyCount: 0n, lastCopyId: -1, lastUnloadCount: 0n }
}

/** A statement's words and where they are, code only (literals, comments and quoted names skipped). */
export type Words = readonly SqlToken[]

/** The statement's tokens. */
export function tokens(sql: string): Words {
  return scanSql(sql)
}

function word(t: SqlToken | undefined): string | undefined {
  return t?.type === 'word' ? t.text.toLowerCase() : undefined
}

/** The statement's first word, lower case (`select`, `copy`, `begin`, ...). */
export function firstWord(words: Words): string | undefined {
  return word(words[0])
}

/** Reads a table name (`a`, `a.b`, `"A"."b"`) at `at` in `sql`; unquoted parts fold to lower case. */
export function readTableName(sql: string, at: number): TableRef | undefined {
  const parts: string[] = []
  let i = at
  const skipSpace = (): void => {
    while (i < sql.length && /\s/.test(sql[i] as string)) i++
  }
  for (;;) {
    skipSpace()
    if (sql[i] === '"') {
      let part = ''
      i++
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          part += '"'
          i += 2
        } else if (sql[i] === '"') {
          i++
          break
        } else part += sql[i++]
      }
      parts.push(part)
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))
      if (m === null) return undefined
      parts.push(m[0].toLowerCase())
      i += m[0].length
    }
    skipSpace()
    if (sql[i] !== '.') break
    i++
  }
  if (parts.length === 1) return new TableRef(parts[0] as string)
  if (parts.length === 2) return new TableRef(parts[0] as string, parts[1] as string)
  return undefined
}

/** The first single-quoted literal at or after `at`, unescaped; `undefined` when there is none. */
export function readLiteral(sql: string, at: number): string | undefined {
  let i = at
  while (i < sql.length && /\s/.test(sql[i] as string)) i++
  if (sql[i] !== "'") return undefined
  let out = ''
  i++
  while (i < sql.length) {
    if (sql[i] === "'" && sql[i + 1] === "'") {
      out += "'"
      i += 2
    } else if (sql[i] === "'") return out
    else out += sql[i++]
  }
  return undefined
}

/** Whether a configured table (schema optional) names `target`. */
export function sameTable(configured: TableRef, target: TableRef): boolean {
  if (configured.name !== target.name) return false
  return configured.schema === undefined || target.schema === undefined || configured.schema === target.schema
}

const SESSION_FUNCTIONS: Readonly<Record<string, { readonly type: DataType; readonly call: boolean }>> = {
  pg_last_copy_count: { type: 'BIGINT', call: true },
  pg_last_copy_id: { type: 'INTEGER', call: true },
  pg_last_unload_count: { type: 'BIGINT', call: true },
  pg_last_query_id: { type: 'INTEGER', call: true },
  getdate: { type: 'TIMESTAMP', call: true },
  sysdate: { type: 'TIMESTAMP', call: false },
}

/**
 * Answers `SELECT f(), g()` where every item is one of Redshift's session functions
 * (`pg_last_copy_count()`, `pg_last_copy_id()`, `pg_last_unload_count()`, `pg_last_query_id()`,
 * `GETDATE()`, `SYSDATE`); `undefined` for any other statement.
 */
export function sessionFunctionSelect(
  words: Words,
  counters: SessionCounters,
  lastQueryId: number,
): TransportResult | undefined {
  if (firstWord(words) !== 'select') return undefined
  const names: string[] = []
  let i = 1
  for (;;) {
    const name = word(words[i])
    const fn = name === undefined ? undefined : SESSION_FUNCTIONS[name]
    if (name === undefined || fn === undefined) return undefined
    i++
    if (fn.call) {
      if (words[i]?.type !== 'open' || words[i + 1]?.type !== 'close') return undefined
      i += 2
    }
    names.push(name)
    const next = words[i]
    if (next === undefined || next.type === 'semicolon') break
    if (next.type !== 'comma') return undefined
    i++
  }
  if (words.slice(i).some((t) => t.type !== 'semicolon')) return undefined
  const now = new Date(Math.floor(Date.now() / 1000) * 1000)
  const values: Value[] = names.map((name) => {
    switch (name) {
      case 'pg_last_copy_count':
        return counters.lastCopyCount
      case 'pg_last_copy_id':
        return counters.lastCopyId
      case 'pg_last_unload_count':
        return counters.lastUnloadCount
      case 'pg_last_query_id':
        return lastQueryId
      default:
        return now
    }
  })
  return {
    columns: names.map(
      (n) => new ColumnMetadata(n === 'sysdate' ? 'timestamp' : n, SESSION_FUNCTIONS[n]?.type ?? 'UNKNOWN'),
    ),
    rows: [values],
    rowsAffected: 1,
    command: 'SELECT',
    queryId: '',
  }
}

/** The table a `COPY table ...` statement loads, or `undefined` for another statement. */
export function copyTarget(sql: string, words: Words): TableRef | undefined {
  const first = words[0]
  if (first === undefined || word(first) !== 'copy') return undefined
  return readTableName(sql, first.end)
}

/** The `s3://...` location an `UNLOAD (...) TO '...'` statement writes to, or `undefined`. */
export function unloadTarget(sql: string, words: Words): string | undefined {
  if (firstWord(words) !== 'unload') return undefined
  let depth = 0
  for (const t of words) {
    if (t.type === 'open') depth++
    else if (t.type === 'close') depth--
    else if (depth === 0 && word(t) === 'to') return readLiteral(sql, t.end)
  }
  return undefined
}

/** The relation a statement reads from (the word after its first FROM), lower case. */
function fromRelation(words: Words): string | undefined {
  const i = words.findIndex((t) => word(t) === 'from')
  return i === -1 ? undefined : word(words[i + 1])
}

function isCountStar(words: Words): boolean {
  return (
    word(words[1]) === 'count' &&
    words[2]?.type === 'open' &&
    words[3]?.type === 'other' &&
    words[4]?.type === 'close' &&
    word(words[5]) === 'from'
  )
}

const LOAD_ERROR_TYPES: Readonly<Record<string, DataType>> = {
  query: 'INTEGER',
  tbl: 'INTEGER',
  starttime: 'TIMESTAMP',
  filename: 'CHAR',
  line_number: 'BIGINT',
  colname: 'CHAR',
  type: 'CHAR',
  col_length: 'CHAR',
  position: 'INTEGER',
  raw_line: 'CHAR',
  raw_field_value: 'CHAR',
  err_code: 'INTEGER',
  err_reason: 'CHAR',
  session: 'INTEGER',
  slice: 'INTEGER',
}

function loadErrorRow(e: LoadError): Value[] {
  return [
    Number(e.queryId),
    e.tableId,
    e.startTime,
    e.filename,
    BigInt(e.lineNumber),
    e.columnName,
    e.columnType,
    e.columnLength,
    e.position,
    e.rawLine,
    e.rawFieldValue,
    e.errorCode,
    e.errorMessage,
    e.session,
    e.slice,
  ]
}

/** What the mock's system views hold. */
export interface SystemViews {
  /** STL_LOAD_ERRORS rows and the number of rows skipped, by COPY query id. */
  readonly loads: ReadonlyMap<number, { readonly count: number; readonly errors: readonly LoadError[] }>
  /** STL_UNLOAD_LOG rows, by UNLOAD query id. */
  readonly unloads: ReadonlyMap<number, readonly UnloadedFile[]>
  /** Table ids of the tables COPY responses name (what `pg_class.oid` lookups answer). */
  readonly tableIds: ReadonlyMap<string, number>
  /** The query id a session is running now (STV_INFLIGHT), by session id. */
  readonly inflight: ReadonlyMap<string, number>
}

function paramNumber(params: readonly QueryParam[], i: number): number | undefined {
  const v = params[i]
  return typeof v === 'number'
    ? v
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'string' && /^-?\d+$/.test(v)
        ? Number(v)
        : undefined
}

/**
 * Answers the client's reads of Redshift's system views about COPY and UNLOAD (STL_LOAD_ERRORS,
 * STL_UNLOAD_LOG, the `pg_class` lookup of `getLoadErrors`) and of STV_INFLIGHT; `undefined` for any
 * other statement.
 */
export function systemViewSelect(
  words: Words,
  params: readonly QueryParam[],
  views: SystemViews,
): TransportResult | undefined {
  if (firstWord(words) !== 'select') return undefined
  const relation = fromRelation(words)
  const result = (columns: ColumnMetadata[], rows: Value[][]): TransportResult => ({
    columns,
    rows,
    rowsAffected: rows.length,
    command: 'SELECT',
    queryId: '',
  })
  const hasWord = (w: string): boolean => words.some((t) => word(t) === w)
  if (relation === 'stl_load_errors') {
    const all = [...views.loads.values()].flatMap((l) => l.errors)
    let selected: readonly LoadError[]
    let count: number
    const where = words.findIndex((t) => word(t) === 'where')
    const filter = word(words[where + 1])
    if (filter === 'query') {
      const id = paramNumber(params, 0)
      const load = id === undefined ? undefined : views.loads.get(id)
      selected = load?.errors ?? []
      count = load?.count ?? 0
    } else if (filter === 'tbl') {
      const tbl = paramNumber(params, 0)
      const since = params[1] instanceof Date ? params[1].getTime() : Number.NEGATIVE_INFINITY
      selected = all.filter((e) => e.tableId === tbl && e.startTime.getTime() >= since)
      count = selected.length
    } else return undefined
    if (isCountStar(words)) return result([new ColumnMetadata('count', 'BIGINT')], [[BigInt(count)]])
    const names = LOAD_ERROR_COLUMNS.split(',').map((c) => c.trim())
    return result(
      names.map((n) => new ColumnMetadata(n, LOAD_ERROR_TYPES[n] ?? 'VARCHAR')),
      [...selected].sort((a, b) => a.lineNumber - b.lineNumber).map(loadErrorRow),
    )
  }
  if (relation === 'stl_unload_log') {
    const id = paramNumber(params, 0)
    const files = id === undefined ? [] : (views.unloads.get(id) ?? [])
    return result(
      [
        new ColumnMetadata('path', 'CHAR'),
        new ColumnMetadata('line_count', 'BIGINT'),
        new ColumnMetadata('transfer_size', 'BIGINT'),
      ],
      [...files]
        .sort((a, b) => a.url.localeCompare(b.url))
        .map((f) => [f.url, BigInt(f.rowCount), BigInt(f.sizeBytes)]),
    )
  }
  if (relation === 'stv_inflight') {
    const where = words.findIndex((t) => word(t) === 'where')
    const filter = word(words[where + 1])
    const key = params[0] === undefined || params[0] === null ? undefined : String(params[0])
    if (filter === 'pid') {
      const running = key === undefined ? undefined : views.inflight.get(key)
      return result([new ColumnMetadata('query', 'INTEGER')], running === undefined ? [] : [[running]])
    }
    if (filter === 'query') {
      const pid = [...views.inflight].find(([, q]) => String(q) === key)?.[0]
      return result([new ColumnMetadata('pid', 'INTEGER')], pid === undefined ? [] : [[Number(pid)]])
    }
    return undefined
  }
  if (relation === 'pg_class' && hasWord('relname')) {
    const name = typeof params[0] === 'string' ? params[0] : undefined
    const schema = typeof params[1] === 'string' ? params[1] : undefined
    if (name === undefined) return undefined
    for (const [key, id] of views.tableIds) {
      const [s, n] = key.split('\u0000') as [string, string]
      if (
        (n === name || n === name.toLowerCase()) &&
        (schema === undefined || s === '' || s === schema || s === schema.toLowerCase())
      ) {
        return result([new ColumnMetadata('oid', 'OID')], [[id]])
      }
    }
    return undefined
  }
  return undefined
}

/** The session a `CANCEL pid` statement names, or `undefined` for another statement. */
export function cancelTarget(sql: string): string | undefined {
  return /^\s*cancel\s+(\d+)\s*(?:'(?:[^']|'')*')?\s*;?\s*$/i.exec(sql)?.[1]
}

const SYSTEM_RELATIONS = new Set(['stl_load_errors', 'stl_unload_log', 'stv_inflight', 'pg_class'])

/**
 * Whether a statement is one of the client's own reads of session state or system views (answered
 * at once: configured latency is the time of the caller's statements, not of these lookups).
 */
export function isSystemRead(sql: string, words: Words): boolean {
  if (cancelTarget(sql) !== undefined) return true
  if (firstWord(words) !== 'select') return false
  const relation = fromRelation(words)
  if (relation !== undefined) return SYSTEM_RELATIONS.has(relation)
  return sessionFunctionSelect(words, newSessionCounters(), 0) !== undefined
}
