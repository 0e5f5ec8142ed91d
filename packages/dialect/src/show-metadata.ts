import { quoteIdentifier, quoteLiteral } from './lexer.js'
import { translateShowColumnGrants, translateShowGrants } from './show-grants.js'
import { isError, ShowReader, syntax } from './show-reader.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/** The objects a listing SHOW lists, the word after FROM, and how many name parts it takes. */
const SHOW_KINDS: ReadonlyMap<string, { readonly from: string | null; readonly parts: number }> = new Map([
  ['databases', { from: null, parts: 0 }],
  ['schemas', { from: 'database', parts: 1 }],
  ['tables', { from: 'schema', parts: 2 }],
  ['columns', { from: 'table', parts: 3 }],
  ['functions', { from: 'schema', parts: 2 }],
  ['procedures', { from: 'schema', parts: 2 }],
])

/** The column Redshift names the one-row answer of `SHOW TABLE` / `SHOW VIEW`. */
const DDL_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['table', 'Show Table DDL statement'],
  ['view', 'Show View DDL statement'],
])

/** `[db.]schema.name` parts (SQL expressions) padded with the current database. */
function qualified(parts: readonly string[], wanted: number): string[] {
  const args = [...parts]
  while (args.length < wanted) args.unshift('pg_catalog.current_database()')
  return args
}

/**
 * Redshift's metadata SHOW commands as a SELECT from the engine's `rk_internal.show_*` functions
 * (created by `REDSHIFT_FUNCTIONS_SQL`), which return Redshift's columns:
 *
 * - `SHOW DATABASES`, `SHOW SCHEMAS FROM DATABASE db`, `SHOW TABLES FROM SCHEMA db.schema`,
 *   `SHOW COLUMNS FROM TABLE db.schema.table`, `SHOW FUNCTIONS / PROCEDURES FROM SCHEMA db.schema`,
 *   each with `[LIKE 'pattern'] [LIMIT n]`;
 * - `SHOW PARAMETERS OF {FUNCTION | PROCEDURE} [db.]schema.name(argtypes) [LIKE 'pattern']`;
 * - `SHOW CONSTRAINTS {PRIMARY KEYS | FOREIGN KEYS [EXPORTED]} FROM TABLE [db.]schema.table [LIMIT n]`;
 * - `SHOW TABLE [schema.]table`, `SHOW VIEW [schema.]view`: the DDL, one row;
 * - `SHOW GRANTS ...`, `SHOW COLUMN GRANTS ...` (see `show-grants.ts`).
 *
 * The database part may be left out (the current one). Null when the statement is not one of these
 * (other SHOWs are settings).
 */
export function translateShowMetadata(
  ts: TokenStream,
  show: number,
): { sql: string; readsSystemViews?: true } | StatementError | null {
  const kindAt = ts.next(show)
  const kindWord = ts.word(kindAt)
  if (kindWord === undefined) return null
  const command = `SHOW ${kindWord.toUpperCase()}`
  const r = new ShowReader(ts, ts.next(kindAt), command)
  // `SHOW TABLE` alone or `SHOW VIEW` followed by nothing would be settings named so: none exist.
  if (kindWord === 'grants') return translateShowGrants(r)
  if (kindWord === 'column' && ts.word(r.at) === 'grants') return translateShowColumnGrants(r)
  if (kindWord === 'parameters') return showParameters(r)
  if (kindWord === 'constraints') return showConstraints(r)
  const ddlColumn = DDL_COLUMNS.get(kindWord)
  if (ddlColumn !== undefined) {
    const parts = r.name(3)
    if (isError(parts)) return parts
    const end = r.end()
    if (end !== null) return end
    const schema = parts.length >= 2 ? (parts[parts.length - 2] as string) : 'NULL'
    const db = parts.length === 3 ? (parts[0] as string) : 'NULL'
    return {
      // The table attributes it prints are recorded by the gateway after each CREATE/ALTER: flush first.
      readsSystemViews: true,
      sql: `SELECT rk_internal.show_${kindWord}(${db}, ${schema}, ${parts[parts.length - 1]}, pg_catalog.current_schemas(true)) AS ${quoteIdentifier(ddlColumn)}`,
    }
  }
  const kind = SHOW_KINDS.get(kindWord)
  if (kind === undefined) return null
  const args: string[] = []
  if (kind.from !== null) {
    if (!r.accept('from') || !r.accept(kind.from)) {
      return syntax(`${command} needs FROM ${kind.from.toUpperCase()} <name>`)
    }
    const parts = r.name(kind.parts)
    if (isError(parts)) return parts
    // The database may be left out (the current one); a table's schema may not.
    if (parts.length < kind.parts - 1) return syntax(`${command}: the name is incomplete`)
    args.push(...qualified(parts, kind.parts))
  }
  const pattern = r.like()
  if (isError(pattern)) return pattern
  const limit = r.limit()
  if (isError(limit)) return limit
  const end = r.end()
  if (end !== null) return end
  if (kindWord === 'functions' || kindWord === 'procedures') {
    const isProcedure = kindWord === 'procedures'
    const name = isProcedure ? 'procedure_name' : 'function_name'
    return {
      sql: `SELECT database_name, schema_name, routine_name AS ${name}, number_of_arguments, argument_list, return_type, remarks FROM rk_internal.show_routines(${[...args, pattern, String(limit), String(isProcedure)].join(', ')})`,
    }
  }
  return {
    sql: `SELECT * FROM rk_internal.show_${kindWord}(${[...args, pattern, String(limit)].join(', ')})`,
  }
}

/** `SHOW PARAMETERS OF {FUNCTION | PROCEDURE} [db.]schema.name(argtype [, ...]) [LIKE 'pattern']`. */
function showParameters(r: ShowReader): { sql: string } | StatementError {
  if (!r.accept('of')) return syntax('SHOW PARAMETERS needs OF FUNCTION or OF PROCEDURE')
  const isProcedure = r.accept('procedure')
  if (!isProcedure && !r.accept('function')) {
    return syntax('SHOW PARAMETERS needs OF FUNCTION or OF PROCEDURE')
  }
  const parts = r.name(3)
  if (isError(parts)) return parts
  if (parts.length < 2) return syntax('SHOW PARAMETERS: the name needs its schema (schema.name)')
  const { ts } = r
  if (!ts.is(r.at, '(')) return syntax('SHOW PARAMETERS: the argument types are expected, as in f(integer)')
  const close = ts.closing(r.at)
  if (close < 0) return syntax('SHOW PARAMETERS: unclosed argument list')
  const inner = ts.next(r.at) === close ? '' : ts.text(ts.next(r.at), ts.prev(close))
  r.at = ts.next(close)
  const pattern = r.like()
  if (isError(pattern)) return pattern
  const end = r.end()
  if (end !== null) return end
  const name = isProcedure ? 'procedure_name' : 'function_name'
  return {
    sql: `SELECT database_name, schema_name, routine_name AS ${name}, parameter_name, ordinal_position, parameter_type, data_type, character_maximum_length, numeric_precision, numeric_scale, remarks FROM rk_internal.show_parameters(${[...qualified(parts, 3), quoteLiteral(inner), String(isProcedure), pattern].join(', ')})`,
  }
}

/** `SHOW CONSTRAINTS {PRIMARY KEYS | FOREIGN KEYS [EXPORTED]} FROM TABLE [db.]schema.table [LIMIT n]`. */
function showConstraints(r: ShowReader): { sql: string } | StatementError {
  const primary = r.accept('primary')
  if (!primary && !r.accept('foreign')) {
    return syntax('SHOW CONSTRAINTS needs PRIMARY KEYS or FOREIGN KEYS [EXPORTED]')
  }
  if (!r.accept('keys')) return syntax('SHOW CONSTRAINTS needs PRIMARY KEYS or FOREIGN KEYS [EXPORTED]')
  const exported = !primary && r.accept('exported')
  if (!r.accept('from') || !r.accept('table')) return syntax('SHOW CONSTRAINTS needs FROM TABLE <name>')
  const parts = r.name(3)
  if (isError(parts)) return parts
  if (parts.length < 2) return syntax('SHOW CONSTRAINTS: the name needs its schema (schema.table)')
  const limit = r.limit()
  if (isError(limit)) return limit
  const end = r.end()
  if (end !== null) return end
  const args = [...qualified(parts, 3), String(limit)]
  return {
    sql: primary
      ? `SELECT * FROM rk_internal.show_primary_keys(${args.join(', ')})`
      : `SELECT * FROM rk_internal.show_foreign_keys(${[...args, String(exported)].join(', ')})`,
  }
}
