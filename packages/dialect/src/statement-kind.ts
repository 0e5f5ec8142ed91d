import type { TokenStream } from './token-stream.js'
import type { QueryType } from './translation.js'

const DDL = new Set(['create', 'alter', 'drop', 'truncate', 'grant', 'revoke', 'comment'])
const UTILITY = new Set([
  'set',
  'reset',
  'show',
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
  'analyze',
  'vacuum',
  'cancel',
  'lock',
  'explain',
  'prepare',
  'execute',
  'deallocate',
  'declare',
  'fetch',
  'close',
  'discard',
  'listen',
  'unlisten',
  'notify',
])
const DML: Readonly<Record<string, QueryType>> = {
  select: 'SELECT',
  values: 'SELECT',
  table: 'SELECT',
  insert: 'INSERT',
  update: 'UPDATE',
  delete: 'DELETE',
}

/** The first significant token of the statement, stepping into leading parentheses: `(SELECT ...)`. */
export function firstKeyword(ts: TokenStream): number {
  let k = ts.sigAt(0)
  while (ts.is(k, '(')) k = ts.next(k)
  return k
}

/** After `WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (...) [, ...]`: the main statement's first token. */
function afterWith(ts: TokenStream, withAt: number): number {
  let depth = 0
  for (let k = ts.next(withAt); k >= 0; k = ts.next(k)) {
    if (ts.is(k, '(')) depth++
    else if (ts.is(k, ')')) depth--
    else if (depth === 0) {
      const w = ts.word(k)
      if (w === 'select' || w === 'insert' || w === 'update' || w === 'delete') return k
    }
  }
  return -1
}

/** True when a SELECT has a top-level `INTO` (Redshift's SELECT INTO creates a table). */
function selectInto(ts: TokenStream, select: number): boolean {
  let depth = 0
  for (let k = ts.next(select); k >= 0; k = ts.next(k)) {
    if (ts.is(k, '(')) depth++
    else if (ts.is(k, ')')) depth--
    else if (depth === 0) {
      const w = ts.word(k)
      if (w === 'into') return true
      if (w === 'from' || w === 'union' || w === 'intersect' || w === 'except' || w === 'minus') return false
    }
  }
  return false
}

/**
 * How `sys_query_history.query_type` would classify the statement. `ctas` is decided by the CREATE
 * TABLE analysis, which knows whether the table is created from a query.
 */
export function classifyStatement(ts: TokenStream, first: number, ctas: boolean): QueryType {
  let w = ts.word(first)
  let at = first
  if (w === 'with') {
    at = afterWith(ts, first)
    w = ts.word(at)
  }
  if (w === undefined) return 'OTHER'
  if (w === 'select') return selectInto(ts, at) ? 'CTAS' : 'SELECT'
  const dml = DML[w]
  if (dml !== undefined) return dml
  if (w === 'copy') return 'COPY'
  if (w === 'unload') return 'UNLOAD'
  if (w === 'create') return ctas ? 'CTAS' : 'DDL'
  if (DDL.has(w)) return 'DDL'
  if (UTILITY.has(w)) return 'UTILITY'
  if (w === 'call') return 'COMMAND'
  return 'OTHER'
}
