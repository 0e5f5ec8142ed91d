import { quoteIdentifier } from './lexer.js'
import type { Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError, TableAttributeChange, TranslatedStatement } from './translation.js'
import { redshiftLacks } from './unsupported.js'

/** A translation of ALTER TABLE, without the fields every translation has. */
export type AlterTableTranslation = Pick<TranslatedStatement, 'sql' | 'effect' | 'response'>

const DISTSTYLES = new Set(['even', 'all', 'auto', 'key'])

interface TableName {
  readonly schema: string | null
  readonly table: string
  /** The name as written, for the engine. */
  readonly sql: string
  readonly last: number
}

function tableName(ts: TokenStream, at: number): TableName | null {
  const parts: string[] = []
  let last = at
  for (;;) {
    const part = ts.name(last)
    if (part === undefined) return null
    parts.push(part)
    if (!ts.is(ts.next(last), '.')) break
    last = ts.next(ts.next(last))
  }
  const local = parts.length === 3 ? parts.slice(1) : parts
  return {
    schema: local.length > 1 ? (local[0] as string) : null,
    table: local[local.length - 1] as string,
    sql: local.map(quoteIdentifier).join('.'),
    last,
  }
}

/** Column names in `( a, b )` starting at the `(`; null when the list is malformed. */
function columnList(ts: TokenStream, open: number): { names: string[]; close: number } | null {
  if (!ts.is(open, '(')) return null
  const close = ts.closing(open)
  if (close < 0) return null
  const names: string[] = []
  for (const [a, b] of ts.items(open, close)) {
    const name = ts.name(a)
    if (name === undefined || a !== b) return null
    names.push(name)
  }
  return { names, close }
}

/**
 * What the table's recorded Redshift attributes become, answered by the engine with a statement that
 * only checks the table exists (`SELECT FROM t LIMIT 0`): data is neither distributed nor sorted
 * locally, so changing how it would be is bookkeeping.
 */
function attributeChange(
  name: TableName,
  change: Omit<TableAttributeChange, 'schema' | 'table'>,
): AlterTableTranslation {
  return {
    sql: `SELECT FROM ${name.sql} LIMIT 0`,
    effect: { type: 'alterTable', change: { schema: name.schema, table: name.table, ...change } },
    response: { commandTag: 'ALTER TABLE', noRows: true },
  }
}

const syntax = (message: string): StatementError => ({ sqlState: '42601', message })

/**
 * Redshift-only ALTER TABLE forms: `ALTER DISTSTYLE ... | ALTER DISTKEY c | ALTER [COMPOUND] SORTKEY
 * (...) | AUTO | NONE | ALTER ENCODE AUTO | ALTER COLUMN c ENCODE e`, and `APPEND FROM source`
 * (the source's rows move to the target, in one statement). `ADD [COLUMN] ... ENCODE e` has its
 * ENCODE stripped. Null for the forms PostgreSQL runs as they are.
 */
export function translateAlterTable(
  rw: Rewriter,
  alter: number,
): AlterTableTranslation | StatementError | null {
  const { ts } = rw
  const tableWord = ts.next(alter)
  if (ts.word(tableWord) !== 'table') return null
  const name = tableName(ts, ts.next(tableWord))
  if (name === null) return null
  const action = ts.next(name.last)
  const verb = ts.word(action)
  if (verb === 'append') {
    if (ts.word(ts.next(action)) !== 'from') return syntax('ALTER TABLE APPEND needs FROM <source table>')
    const source = tableName(ts, ts.next(ts.next(action)))
    if (source === null) return syntax('ALTER TABLE APPEND FROM needs a table name')
    const option = ts.word(ts.next(source.last))
    if (option === 'ignoreextra' || option === 'filltarget') {
      return redshiftLacks(
        `ALTER TABLE APPEND ... ${option.toUpperCase()} in redshift-local`,
        'give both tables the same columns in the same order',
      )
    }
    return {
      sql: `WITH rk_appended AS (DELETE FROM ${source.sql} RETURNING *) INSERT INTO ${name.sql} SELECT * FROM rk_appended`,
      response: { commandTag: 'ALTER TABLE APPEND' },
    }
  }
  if (verb === 'add') {
    // ADD [COLUMN] c type ... ENCODE e: the engine has no ENCODE.
    for (let k = ts.next(action); k >= 0; k = ts.next(k)) {
      if (ts.word(k) === 'encode' && ts.name(ts.next(k)) !== undefined) rw.remove(k, ts.next(k))
    }
    return null
  }
  if (verb !== 'alter') return null
  const what = ts.next(action)
  const w = ts.word(what)
  const arg = ts.next(what)
  if (w === 'diststyle') {
    const style = ts.word(arg)
    if (style === undefined || !DISTSTYLES.has(style)) return syntax('DISTSTYLE is EVEN, ALL, AUTO or KEY')
    if (style === 'key') {
      const key = ts.word(ts.next(arg)) === 'distkey' ? ts.name(ts.next(ts.next(arg))) : undefined
      if (key === undefined) return syntax('ALTER DISTSTYLE KEY needs DISTKEY <column>')
      return attributeChange(name, { diststyle: 'KEY', distkey: key })
    }
    return attributeChange(name, { diststyle: style.toUpperCase() as 'EVEN' | 'ALL' | 'AUTO', distkey: null })
  }
  if (w === 'distkey') {
    const key = ts.name(arg)
    if (key === undefined) return syntax('ALTER DISTKEY needs a column name')
    return attributeChange(name, { diststyle: 'KEY', distkey: key })
  }
  if (w === 'compound' || w === 'sortkey') {
    const sortkey = w === 'compound' ? arg : what
    if (ts.word(sortkey) !== 'sortkey') return null
    const after = ts.next(sortkey)
    const keyword = ts.word(after)
    if (keyword === 'auto' || keyword === 'none') {
      return attributeChange(name, { sortkeyType: null, sortkeys: [] })
    }
    const list = columnList(ts, after)
    if (list === null) return syntax('ALTER SORTKEY needs (column, ...), AUTO or NONE')
    return attributeChange(name, { sortkeyType: 'compound', sortkeys: list.names })
  }
  if (w === 'encode' && ts.word(arg) === 'auto') return attributeChange(name, {})
  if (w === 'column') {
    const column = ts.name(arg)
    const encode = ts.next(arg)
    if (column !== undefined && ts.word(encode) === 'encode') {
      const encoding = ts.name(ts.next(encode))
      if (encoding === undefined) return syntax('ENCODE needs an encoding name')
      return attributeChange(name, { encodings: { [column]: encoding.toLowerCase() } })
    }
  }
  return null
}
