import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'
import { redshiftLacks } from './unsupported.js'

/**
 * PostgreSQL syntax and types that Redshift refuses (AWS "Unsupported PostgreSQL features" and
 * "Unsupported PostgreSQL data types"). Redshift's parser is PostgreSQL 8.0's, so the errors follow
 * from when a feature appeared in PostgreSQL:
 *
 * - syntax added after 8.0 (`RETURNING` 8.2, `ON CONFLICT` 9.5) is a syntax error (42601) at the
 *   first word 8.0 does not know;
 * - type names added after 8.0 (`json`, `jsonb`, `uuid`, `xml`, range types...) do not exist (42704);
 * - types 8.0 has but Redshift's compute nodes do not (`bytea`, `inet`, `money`, geometric types,
 *   arrays...) fail as column types with "Column ... has unsupported type" (0A000), and in a query over
 *   tables with Redshift's "not supported on Redshift tables" (0A000); a leader-node query (one that
 *   reads no table, or only the catalog) still runs, as on Redshift.
 */

/** Type names PostgreSQL 8.0 did not have: Redshift answers `type "x" does not exist`. */
export const TYPES_REDSHIFT_LACKS: ReadonlySet<string> = new Set([
  'json',
  'jsonb',
  'jsonpath',
  'uuid',
  'xml',
  'tsvector',
  'tsquery',
  'txid_snapshot',
  'pg_snapshot',
  'pg_lsn',
  'macaddr8',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
  'int4multirange',
  'int8multirange',
  'nummultirange',
  'tsmultirange',
  'tstzmultirange',
  'datemultirange',
  'hstore',
])

/** Types PostgreSQL 8.0 had that Redshift's compute nodes (its tables) do not support. */
export const LEADER_ONLY_TYPES: ReadonlySet<string> = new Set([
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'money',
  'bit',
  'varbit',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
])

/** The error Redshift gives for a type name it does not know. */
export function missingType(name: string): StatementError {
  return { sqlState: '42704', message: `type "${name}" does not exist` }
}

/** The error Redshift gives for a column of a type its tables cannot hold. */
export function unsupportedColumnType(table: string, column: string, type: string): StatementError {
  return { sqlState: '0A000', message: `Column "${table}.${column}" has unsupported type "${type}".` }
}

/** Redshift's error for leader-node-only types or functions in a query that reads tables. */
export const NOT_ON_REDSHIFT_TABLES: StatementError = {
  sqlState: '0A000',
  message: 'Specified types or functions (one per INFO message) not supported on Redshift tables.',
}

/**
 * Functions PostgreSQL gained after 8.0 that Redshift does not have (AWS "Unsupported PostgreSQL
 * functions"): Redshift answers `function ... does not exist`, leader node or not. ARRAY_POSITION(S)
 * and JSON_TYPEOF are Redshift's own (over SUPER), so they are not here. `pg_sleep` (8.2) is
 * deliberately not here: tests of timeouts and cancels need a slow statement, and Redshift offers
 * none, so the local one keeps PostgreSQL's. Nor is `transaction_timestamp`: tests check SYSDATE
 * (the transaction's start on Redshift) against it.
 */
export const FUNCTIONS_REDSHIFT_LACKS: ReadonlySet<string> = new Set([
  'string_agg',
  'array_agg',
  'unnest',
  'array_length',
  'array_remove',
  'array_replace',
  'cardinality',
  'string_to_array',
  'generate_subscripts',
  'regexp_matches',
  'regexp_split_to_table',
  'regexp_split_to_array',
  'format',
  'concat_ws',
  'gen_random_uuid',
  'uuid_generate_v4',
  'json_agg',
  'json_object_agg',
  'json_build_object',
  'json_build_array',
  'json_each',
  'json_each_text',
  'json_array_elements',
  'json_array_elements_text',
  'json_object_keys',
  'json_populate_record',
  'to_json',
  'to_jsonb',
  'row_to_json',
  'array_to_json',
  'jsonb_agg',
  'jsonb_object_agg',
  'jsonb_build_object',
  'jsonb_build_array',
  'jsonb_each',
  'jsonb_array_elements',
  'jsonb_set',
  'jsonb_path_query',
  'jsonb_pretty',
  'xmlagg',
  'xmlelement',
  'xmlforest',
  'to_tsvector',
  'to_tsquery',
  'plainto_tsquery',
  'websearch_to_tsquery',
  'ts_rank',
  'make_date',
  'make_time',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'date_bin',
  'every',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_avgx',
  'regr_avgy',
  'regr_count',
  'regr_intercept',
  'regr_r2',
  'regr_slope',
  'regr_sxx',
  'regr_sxy',
  'regr_syy',
  'clock_timestamp',
  'justify_days',
  'justify_hours',
  'justify_interval',
  'div',
  'setseed',
  'width_bucket',
  'bit_length',
  'overlay',
  'convert_from',
  'convert_to',
  'encode',
  'quote_nullable',
  'current_query',
  'inet_client_addr',
  'inet_client_port',
  'inet_server_addr',
  'inet_server_port',
  'pg_conf_load_time',
  'pg_is_other_temp_schema',
  'pg_listening_channels',
  'pg_my_temp_schema',
  'pg_postmaster_start_time',
  'pg_trigger_depth',
])

/** Words whose presence makes {@link postgresOnlyError} worth running (checked during the first scan). */
export const POSTGRES_ONLY_TRIGGERS: ReadonlySet<string> = new Set([
  'returning',
  'conflict',
  'for',
  'array',
  'values',
  ...TYPES_REDSHIFT_LACKS,
  ...LEADER_ONLY_TYPES,
  ...FUNCTIONS_REDSHIFT_LACKS,
])

const CATALOG_SCHEMAS = new Set(['pg_catalog', 'information_schema'])

/** Words after which a relation name follows. */
const RELATION_INTRODUCERS = new Set(['from', 'join', 'into', 'update', 'table'])

/**
 * True when the statement reads or writes a relation that is not in the catalog (`pg_*`,
 * `information_schema`, Redshift's system views): on Redshift it then runs on the compute nodes.
 */
function readsTables(ts: TokenStream, isSystemRelation: (name: string) => boolean): boolean {
  for (let j = ts.sigAt(0); j >= 0; j = ts.next(j)) {
    if (!RELATION_INTRODUCERS.has(ts.word(j) as string)) continue
    const k = ts.next(j)
    const first = ts.name(k)
    if (first === undefined || ts.is(k, '(')) continue
    const dot = ts.next(k)
    if (ts.is(dot, '.')) {
      if (!CATALOG_SCHEMAS.has(first.toLowerCase())) return true
      continue
    }
    const name = first.toLowerCase()
    // A function in FROM (`generate_series(1, 3)`) is not a table.
    if (ts.is(dot, '(')) continue
    if (!name.startsWith('pg_') && !isSystemRelation(name)) return true
  }
  return false
}

/** The type name written at `at` (`bit varying` -> `varbit`), or undefined when `at` is not a type word. */
function typeNameAt(ts: TokenStream, at: number): string | undefined {
  const w = ts.word(at)
  if (w === undefined) return undefined
  if (w === 'bit' && ts.word(ts.next(at)) === 'varying') return 'varbit'
  return w
}

/**
 * The error Redshift gives for PostgreSQL-only syntax or types in the statement whose first keyword
 * is at `first`, or null. `isSystemRelation` names Redshift's system views (they are catalog reads).
 */
export function postgresOnlyError(
  ts: TokenStream,
  first: number,
  isSystemRelation: (name: string) => boolean,
): StatementError | null {
  const keyword = ts.word(first)
  const query = keyword === 'select' || keyword === 'with'
  const dml = query || keyword === 'insert' || keyword === 'update' || keyword === 'delete'
  let leaderOnly = false
  for (let j = first; j >= 0; j = ts.next(j)) {
    const w = ts.word(j)
    if (w === 'returning' && dml) {
      return { sqlState: '42601', message: `syntax error at or near "${ts.tokens[j]?.text}"` }
    }
    if (w === 'on' && ts.word(ts.next(j)) === 'conflict' && dml) {
      return { sqlState: '42601', message: `syntax error at or near "${ts.tokens[j]?.text}"` }
    }
    if (w === 'for' && query) {
      const lock = ts.word(ts.next(j))
      const after = ts.word(ts.next(ts.next(j)))
      if (
        lock === 'update' ||
        lock === 'share' ||
        (lock === 'no' && after === 'key') ||
        (lock === 'key' && after === 'share')
      ) {
        return redshiftLacks(
          'SELECT ... FOR UPDATE / FOR SHARE',
          'Redshift has no row locks; LOCK the table instead',
        )
      }
    }
    if (
      w !== undefined &&
      FUNCTIONS_REDSHIFT_LACKS.has(w) &&
      ts.is(ts.next(j), '(') &&
      !userSchemaQualified(ts, j)
    ) {
      return {
        sqlState: '42883',
        message: `function ${w} does not exist`,
        hint: `Amazon Redshift has no ${w.toUpperCase()} function`,
      }
    }
    if (w === 'values' && ts.is(ts.prev(j), '(')) {
      return redshiftLacks('VALUES lists used as constant tables', 'write SELECT ... UNION ALL SELECT ...')
    }
    if (w === 'array' && ts.is(ts.next(j), '[')) leaderOnly = true
    if (ts.is(j, '::')) {
      const k = ts.next(j)
      const type = typeNameAt(ts, k)
      if (type !== undefined && TYPES_REDSHIFT_LACKS.has(type)) return missingType(type)
      if (type !== undefined && LEADER_ONLY_TYPES.has(type)) leaderOnly = true
      // An array type: `::text[]`.
      if (type !== undefined && ts.is(ts.next(k), '[')) leaderOnly = true
    }
    if (w === 'as') {
      // CAST(x AS type): the type is followed by `)` (or by its length).
      const k = ts.next(j)
      const type = typeNameAt(ts, k)
      const after = ts.next(type === 'varbit' ? ts.next(k) : k)
      if (type !== undefined && (ts.is(after, ')') || ts.is(after, '('))) {
        if (TYPES_REDSHIFT_LACKS.has(type) && isCastAs(ts, j)) return missingType(type)
        if (LEADER_ONLY_TYPES.has(type) && isCastAs(ts, j)) leaderOnly = true
      }
    }
  }
  if (leaderOnly && readsTables(ts, isSystemRelation)) return NOT_ON_REDSHIFT_TABLES
  return null
}

/** True when the `AS` at `as` is inside `CAST(` (not a column alias followed by `)`). */
function isCastAs(ts: TokenStream, as: number): boolean {
  let depth = 0
  for (let j = ts.prev(as); j >= 0; j = ts.prev(j)) {
    if (ts.is(j, ')')) depth++
    else if (ts.is(j, '(')) {
      if (depth === 0) return ts.word(ts.prev(j)) === 'cast'
      depth--
    }
  }
  return false
}

/** True when the name at `at` is qualified by a schema other than pg_catalog (a user's function). */
function userSchemaQualified(ts: TokenStream, at: number): boolean {
  const dot = ts.prev(at)
  if (!ts.is(dot, '.')) return false
  return ts.name(ts.prev(dot))?.toLowerCase() !== 'pg_catalog'
}
