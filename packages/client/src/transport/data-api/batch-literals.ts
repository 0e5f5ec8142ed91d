import type { SingleRowInsert } from '../../query/batch.js'
import { serializeParam } from '../../types/param-serializer.js'
import { CODE_LEX_RULES, lexSql } from '../../types/sql-scan.js'
import type { QueryParam } from '../../types/value.js'
import { MAX_BATCH_STATEMENTS, MAX_SQL_BYTES } from './statement-client.js'

/**
 * `text` as a SQL string literal that reads the same whether or not the server treats a backslash as
 * an escape. Redshift does (its QUOTE_LITERAL doubles backslashes; PostgreSQL with
 * `standard_conforming_strings` on does not), so the literal holds no backslash at all: each one is
 * written outside the quotes as `CHR(92)`, and a quote is doubled, which both readings agree on. A
 * value with a NUL character cannot be a literal (Redshift's text cannot hold one): undefined.
 *
 * @example
 * sqlLiteral("it's a\\b") // "'it''s a' || CHR(92) || 'b'"
 */
export function sqlLiteral(text: string): string | undefined {
  if (text.includes('\0')) return undefined
  const quoted = `'${text.replaceAll("'", "''")}'`
  return text.includes('\\') ? `(${quoted.replaceAll('\\', "' || CHR(92) || '")})` : quoted
}

/**
 * `sql` with each `$n` replaced by its value as a literal (the BatchExecuteStatement call takes no
 * parameters); undefined when a value cannot be written as one. Placeholders are found with the
 * client's lexer, so a `$1` inside a string, identifier, comment or dollar-quoted body is left alone.
 */
export function withLiterals(sql: string, params: readonly QueryParam[]): string | undefined {
  if (!sql.includes('$')) return sql
  let out = ''
  let at = 0
  let refused = false
  lexSql(sql, CODE_LEX_RULES, (kind, start, end) => {
    if (kind !== 'placeholder' || refused) return
    const index = Number(sql.slice(start + 1, end))
    const serialized = serializeParam(params[index - 1], index, { bytes: 'hex' })
    const literal =
      serialized === null
        ? 'NULL'
        : sqlLiteral(typeof serialized === 'string' ? serialized : serialized.toString('hex'))
    if (literal === undefined) {
      refused = true
      return
    }
    const before = sql.slice(at, start)
    // `a:$1` next to a literal stays apart from it, as it would next to a parameter.
    out += before + (before.endsWith(':') ? ' ' : '') + literal
    at = end
  })
  return refused ? undefined : out + sql.slice(at)
}

/**
 * The statements of a `batchExecute` as one BatchExecuteStatement call, or undefined when the batch
 * does not fit one (more than 40 statements, a statement over 100 KB, a value that cannot be a
 * literal): the caller then runs it in a transaction on a session, with parameters. A single-row
 * INSERT (`insert`, from `parseSingleRowInsert`) becomes multi-row INSERTs, as many rows to a statement as fit under 100 KB; any other
 * statement is one statement per parameter set. `rows` says how many parameter sets each covers.
 */
export function batchStatements(
  sql: string,
  paramSets: readonly (readonly QueryParam[])[],
  insert: SingleRowInsert | undefined,
): { readonly sql: string; readonly rows: number }[] | undefined {
  const out: { sql: string; rows: number }[] = []
  if (insert === undefined || paramSets.some((set) => set.length !== insert.paramCount)) {
    if (paramSets.length > MAX_BATCH_STATEMENTS) return undefined
    for (const set of paramSets) {
      const rendered = withLiterals(sql, set)
      if (rendered === undefined || Buffer.byteLength(rendered) > MAX_SQL_BYTES) return undefined
      out.push({ sql: rendered, rows: 1 })
    }
    return out
  }
  const headBytes = Buffer.byteLength(insert.head)
  let current = ''
  let bytes = 0
  let rows = 0
  for (const set of paramSets) {
    const row = withLiterals(insert.row, set)
    if (row === undefined) return undefined
    const rowBytes = Buffer.byteLength(row) + 2
    if (headBytes + rowBytes > MAX_SQL_BYTES) return undefined
    if (rows > 0 && headBytes + bytes + rowBytes > MAX_SQL_BYTES) {
      out.push({ sql: insert.head + current, rows })
      if (out.length >= MAX_BATCH_STATEMENTS) return undefined
      current = ''
      bytes = 0
      rows = 0
    }
    current += rows === 0 ? row : `, ${row}`
    bytes += rowBytes
    rows++
  }
  out.push({ sql: insert.head + current, rows })
  return out
}
