import {
  LEADER_ONLY_TYPES,
  missingType,
  TYPES_REDSHIFT_LACKS,
  unsupportedColumnType,
} from './postgres-only.js'
import type { Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError, TableAttributes } from './translation.js'
import { redshiftLacks } from './unsupported.js'

/** What a CREATE TABLE turned out to be; its Redshift-only parts are already registered for stripping. */
export interface CreateTableAnalysis {
  /** `CREATE TABLE ... AS query`. */
  readonly ctas: boolean
  readonly attributes?: TableAttributes
  /** Redshift would reject the statement (or the local one cannot run it): answer this instead. */
  readonly error?: StatementError
}

type Diststyle = TableAttributes['diststyle']
const DISTSTYLES = new Set<string>(['even', 'key', 'all', 'auto'])
const TABLE_CONSTRAINTS = new Set(['constraint', 'primary', 'unique', 'foreign', 'check', 'exclude'])
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial'])

interface QualifiedName {
  readonly schema: string | null
  readonly table: string
  /** The last token of the name. */
  readonly last: number
}

/** `[db.][schema.]table` starting at `at`. */
function qualifiedName(ts: TokenStream, at: number): QualifiedName | null {
  const parts: string[] = []
  let last = at
  for (;;) {
    const part = ts.name(last)
    if (part === undefined) return null
    parts.push(part)
    if (!ts.is(ts.next(last), '.')) break
    last = ts.next(ts.next(last))
  }
  const table = parts[parts.length - 1] as string
  return { schema: parts.length > 1 ? (parts[parts.length - 2] as string) : null, table, last }
}

/** Table attributes as written after the column list (or after the name, for CTAS). */
interface TableLevel {
  diststyle?: Diststyle
  distkey?: string
  sortkeyType?: 'compound' | 'interleaved' | null
  sortkeys?: string[]
  backup: boolean
  /** The first token after the attributes. */
  end: number
}

/** Reads and strips `DISTSTYLE`, `DISTKEY(c)`, `[COMPOUND|INTERLEAVED] SORTKEY(..)|AUTO`, `BACKUP`, `ENCODE AUTO`. */
function tableAttributes(rw: Rewriter, start: number): TableLevel | StatementError {
  const { ts } = rw
  const level: TableLevel = { backup: true, end: start }
  let k = start
  for (;;) {
    const w = ts.word(k)
    const arg = ts.next(k)
    if (w === 'diststyle') {
      const style = ts.word(arg)
      if (style === undefined || !DISTSTYLES.has(style)) {
        return { sqlState: '42601', message: 'DISTSTYLE must be EVEN, KEY, ALL or AUTO' }
      }
      level.diststyle = style.toUpperCase() as Diststyle
      rw.remove(k, arg)
      k = ts.next(arg)
    } else if (w === 'distkey') {
      const column = ts.name(ts.next(arg))
      const close = ts.next(ts.next(arg))
      if (!ts.is(arg, '(') || column === undefined || !ts.is(close, ')')) {
        return { sqlState: '42601', message: 'DISTKEY takes one column in parentheses: DISTKEY(column)' }
      }
      level.distkey = column
      rw.remove(k, close)
      k = ts.next(close)
    } else if (w === 'sortkey' || ((w === 'compound' || w === 'interleaved') && ts.word(arg) === 'sortkey')) {
      const open = w === 'sortkey' ? arg : ts.next(arg)
      if (w === 'sortkey' && ts.word(open) === 'auto') {
        level.sortkeyType = null
        level.sortkeys = []
        rw.remove(k, open)
        k = ts.next(open)
        continue
      }
      const close = ts.is(open, '(') ? ts.closing(open) : -1
      const columns =
        close < 0 ? [] : ts.items(open, close).map(([a, b]) => (a === b ? ts.name(a) : undefined))
      if (columns.length === 0 || columns.some((c) => c === undefined)) {
        return { sqlState: '42601', message: 'SORTKEY takes column names in parentheses: SORTKEY(a, b)' }
      }
      level.sortkeyType = w === 'interleaved' ? 'interleaved' : 'compound'
      level.sortkeys = columns as string[]
      rw.remove(k, close)
      k = ts.next(close)
    } else if (w === 'backup') {
      const value = ts.word(arg)
      if (value !== 'yes' && value !== 'no') return { sqlState: '42601', message: 'BACKUP must be YES or NO' }
      level.backup = value === 'yes'
      rw.remove(k, arg)
      k = ts.next(arg)
    } else if (w === 'encode' && ts.word(arg) === 'auto') {
      rw.remove(k, arg)
      k = ts.next(arg)
    } else {
      level.end = k
      return level
    }
  }
}

/** Column definitions: strips column attributes and collects what they said. */
interface ColumnLevel {
  columns: string[]
  encodings: Record<string, string>
  distkey?: string
  sortkeys: string[]
  inheritsFrom?: { schema: string | null; table: string }
}

function columnDefinitions(
  rw: Rewriter,
  table: string,
  open: number,
  close: number,
): ColumnLevel | StatementError {
  const { ts } = rw
  const level: ColumnLevel = { columns: [], encodings: {}, sortkeys: [] }
  for (const [a, b] of ts.items(open, close)) {
    const first = ts.word(a)
    if (first === 'like') {
      const parent = qualifiedName(ts, ts.next(a))
      if (parent) level.inheritsFrom = { schema: parent.schema, table: parent.table }
      continue
    }
    if (first !== undefined && TABLE_CONSTRAINTS.has(first)) continue
    const column = ts.name(a)
    if (column === undefined) continue
    level.columns.push(column)
    const typeName = ts.word(ts.next(a))
    if (typeName !== undefined && SERIAL_TYPES.has(typeName)) {
      return redshiftLacks(
        `${typeName.toUpperCase()} columns`,
        'use an IDENTITY(seed, step) column: BIGINT IDENTITY(1, 1)',
      )
    }
    if (typeName !== undefined && TYPES_REDSHIFT_LACKS.has(typeName)) return missingType(typeName)
    const type = typeName === 'bit' && ts.word(ts.next(ts.next(a))) === 'varying' ? 'varbit' : typeName
    if (type !== undefined && LEADER_ONLY_TYPES.has(type)) return unsupportedColumnType(table, column, type)
    let depth = 0
    for (let k = ts.next(a); k >= 0 && k <= b; k = ts.next(k)) {
      if (ts.is(k, '(')) depth++
      else if (ts.is(k, ')')) depth--
      if (depth > 0) continue
      if (ts.is(k, '[') || ts.word(k) === 'array') {
        return redshiftLacks('array column types', 'store the values in a SUPER column or in a child table')
      }
      const w = ts.word(k)
      const arg = ts.next(k)
      if (w === 'encode') {
        const encoding = ts.name(arg)
        if (encoding === undefined) return { sqlState: '42601', message: 'ENCODE needs an encoding name' }
        level.encodings[column] = encoding.toLowerCase()
        rw.remove(k, arg)
        k = arg
      } else if (w === 'distkey') {
        level.distkey = column
        rw.remove(k, k)
      } else if (w === 'sortkey') {
        level.sortkeys.push(column)
        rw.remove(k, k)
      } else if (w === 'identity' || (w === 'generated' && ts.word(arg) === 'by')) {
        const identity = rewriteIdentity(rw, k, b)
        if (typeof identity !== 'number') return identity
        k = identity
      } else if (w === 'collate') {
        const collation = ts.name(arg)
        if (collation === 'case_sensitive') rw.remove(k, arg)
        else if (collation === 'case_insensitive') {
          return {
            sqlState: '0A000',
            message: 'COLLATE CASE_INSENSITIVE is not available in the local Redshift',
          }
        }
      }
    }
  }
  return level
}

const IDENTITY_USAGE: StatementError = {
  sqlState: '42601',
  message: 'IDENTITY takes a seed and a step: IDENTITY(1, 1)',
}

/**
 * `IDENTITY(seed, step)` and `GENERATED BY DEFAULT AS IDENTITY(seed, step)` -> PostgreSQL's
 * `GENERATED BY DEFAULT AS IDENTITY (START WITH seed INCREMENT BY step)`. Returns the last token of the
 * clause, so the caller goes on after it.
 */
function rewriteIdentity(rw: Rewriter, at: number, last: number): number | StatementError {
  const { ts } = rw
  const redshiftKeyword = ts.word(at) === 'identity'
  let keyword = at
  if (!redshiftKeyword) {
    for (const word of ['by', 'default', 'as', 'identity']) {
      keyword = ts.next(keyword)
      if (ts.word(keyword) !== word) return at
    }
  }
  const open = ts.next(keyword)
  const close = ts.is(open, '(') && open < last ? ts.closing(open) : -1
  const args = close < 0 ? [] : ts.items(open, close)
  const [seed, step] = args
  if (args.length !== 2 || seed === undefined || step === undefined) {
    // PostgreSQL's own sequence options (`START WITH 1`) pass through untouched.
    return redshiftKeyword ? IDENTITY_USAGE : keyword
  }
  const spec = `(START WITH ${ts.text(seed[0], seed[1])} INCREMENT BY ${ts.text(step[0], step[1])})`
  if (redshiftKeyword) rw.replace(at, close + 1, `GENERATED BY DEFAULT AS IDENTITY ${spec}`)
  else rw.replace(open, close + 1, spec)
  return close
}

/**
 * Reads a `CREATE [LOCAL] [TEMP|TEMPORARY] TABLE` statement starting at token `create`, registers the
 * stripping of its Redshift-only attributes with `rw`, and reports them. Returns null for any other
 * CREATE, or a CREATE TABLE of a shape it does not know (the engine then judges it).
 */
export function analyzeCreateTable(rw: Rewriter, create: number): CreateTableAnalysis | null {
  const { ts } = rw
  let k = ts.next(create)
  if (ts.word(k) === 'local') k = ts.next(k)
  if (ts.word(k) === 'temp' || ts.word(k) === 'temporary') k = ts.next(k)
  if (ts.word(k) !== 'table') return null
  k = ts.next(k)
  if (ts.word(k) === 'if' && ts.word(ts.next(k)) === 'not' && ts.word(ts.next(ts.next(k))) === 'exists') {
    k = ts.next(ts.next(ts.next(k)))
  }
  const name = qualifiedName(ts, k)
  if (name === null) return null
  const open = ts.next(name.last)
  const close = ts.is(open, '(') ? ts.closing(open) : -1
  if (ts.is(open, '(') && close < 0) return null
  const table = tableAttributes(rw, close < 0 ? open : ts.next(close))
  if ('sqlState' in table) return { ctas: false, error: table }
  const ctas = ts.word(table.end) === 'as'
  if (!ctas && close < 0) return null

  let columns: ColumnLevel = { columns: [], encodings: {}, sortkeys: [] }
  if (!ctas) {
    const parsed = columnDefinitions(rw, name.table, open, close)
    if ('sqlState' in parsed) return { ctas, error: parsed }
    columns = parsed
  }
  const distkey = table.distkey ?? columns.distkey ?? null
  const sortkeys = table.sortkeys ?? columns.sortkeys
  if (!ctas && columns.inheritsFrom === undefined) {
    for (const [role, column] of [
      ['DISTKEY', distkey] as const,
      ...sortkeys.map((c) => ['SORTKEY', c] as const),
    ]) {
      if (column !== null && !columns.columns.includes(column)) {
        const message = `column "${column}" named in ${role} does not exist`
        return { ctas, error: { sqlState: '42703', message } }
      }
    }
  }
  const ownKeys = table.diststyle !== undefined || table.distkey !== undefined || table.sortkeys !== undefined
  const attributes: TableAttributes = {
    schema: name.schema,
    table: name.table,
    diststyle: table.diststyle ?? (distkey === null ? 'AUTO' : 'KEY'),
    distkey,
    sortkeyType:
      table.sortkeyType !== undefined ? table.sortkeyType : sortkeys.length > 0 ? 'compound' : null,
    sortkeys,
    encodings: columns.encodings,
    backup: table.backup,
    ...(columns.inheritsFrom !== undefined && !ownKeys ? { inheritsFrom: columns.inheritsFrom } : {}),
  }
  return { ctas, attributes }
}
