/**
 * The contract between the dialect (pure: SQL text in, what to do out) and the gateway (which does it).
 * The dialect never performs I/O; the gateway never looks inside SQL text itself.
 */

/** How `sys_query_history.query_type` classifies a statement. */
export type QueryType =
  | 'SELECT'
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'COPY'
  | 'UNLOAD'
  | 'DDL'
  | 'UTILITY'
  | 'CTAS'
  | 'COMMAND'
  | 'OTHER'

/** Redshift settings the engine has no GUC for; the gateway tracks them per session. */
export const REDSHIFT_SESSION_SETTINGS = [
  'query_group',
  'wlm_query_slot_count',
  'enable_result_cache_for_session',
  'enable_case_sensitive_identifier',
  'analyze_threshold_percent',
  'describe_field_name_in_uppercase',
] as const
export type RedshiftSessionSetting = (typeof REDSHIFT_SESSION_SETTINGS)[number]

/** Each Redshift-only setting's value in a new session, as Redshift starts it. */
export const REDSHIFT_SETTING_DEFAULTS: Readonly<Record<RedshiftSessionSetting, string>> = {
  query_group: 'unset',
  wlm_query_slot_count: '1',
  enable_result_cache_for_session: 'on',
  enable_case_sensitive_identifier: 'off',
  analyze_threshold_percent: '10',
  describe_field_name_in_uppercase: 'off',
}

/** What the session state of the gateway must remember once the statement has succeeded. */
export type StatementEffect =
  /** SET / RESET of a Redshift-only setting (`value` null for RESET). */
  | {
      readonly type: 'setting'
      readonly name: RedshiftSessionSetting
      readonly value: string | null
      /** `SET LOCAL`: the value lasts until the end of the current transaction only. */
      readonly local?: true
    }
  /** `CANCEL pid ['message']`: the gateway shows `message` as the cancelled query's error text. */
  | { readonly type: 'cancel'; readonly pid: number; readonly message: string | null }
  /** A CREATE TABLE with Redshift table attributes to record in rk_internal.table_attributes. */
  | { readonly type: 'createTable'; readonly attributes: TableAttributes }
  /** An ALTER TABLE that changes Redshift table attributes: update what rk_internal.table_attributes holds. */
  | { readonly type: 'alterTable'; readonly change: TableAttributeChange }

export interface TableAttributes {
  /** Schema as written, or null for the first schema of the search path. */
  readonly schema: string | null
  readonly table: string
  readonly diststyle: 'EVEN' | 'KEY' | 'ALL' | 'AUTO'
  readonly distkey: string | null
  readonly sortkeyType: 'compound' | 'interleaved' | null
  readonly sortkeys: readonly string[]
  /** Column name -> ENCODE value (lower case, e.g. `az64`, `zstd`, `raw`). */
  readonly encodings: Readonly<Record<string, string>>
  readonly backup: boolean
  /**
   * `CREATE TABLE t (LIKE parent ...)` with no DISTSTYLE, DISTKEY or SORTKEY of its own: on Redshift the
   * new table takes the parent's distribution and sort keys, so the gateway copies the parent's recorded
   * attributes (the dialect cannot see them) instead of the defaults given here.
   */
  readonly inheritsFrom?: { readonly schema: string | null; readonly table: string }
}

/** The attributes an ALTER TABLE sets; absent fields keep their recorded value. */
export interface TableAttributeChange {
  /** Schema as written, or null for the first schema of the search path. */
  readonly schema: string | null
  readonly table: string
  readonly diststyle?: TableAttributes['diststyle']
  readonly distkey?: string | null
  readonly sortkeyType?: 'compound' | null
  readonly sortkeys?: readonly string[]
  /** Column name -> ENCODE value, merged into the recorded ones. */
  readonly encodings?: Readonly<Record<string, string>>
}

/** How the gateway must reshape the engine's response to the rewritten statement. */
export interface ResponseOverride {
  /** Replace the CommandComplete tag (e.g. `SHOW`, `CANCEL`, `SET`). */
  readonly commandTag?: string
  /** Drop RowDescription/DataRow (answer NoData to Describe) because Redshift returns no rows. */
  readonly noRows?: boolean
}

/** One statement, translated. */
export interface TranslatedStatement {
  /** The statement as the client sent it (for the query log). */
  readonly original: string
  /** What to send to the engine instead. */
  readonly sql: string
  readonly queryType: QueryType
  readonly effect?: StatementEffect
  /**
   * All the effects, when a statement has more than one (`RESET ALL` resets every Redshift-only
   * setting); `effect` is then absent. Read both through `statementEffects()`.
   */
  readonly effects?: readonly StatementEffect[]
  /**
   * Answer this error without running anything: the statement is one Redshift itself would reject (a
   * PostgreSQL-only feature, a bad setting value). `sql` is then the original text and is not sent.
   */
  readonly error?: StatementError
  readonly response?: ResponseOverride
  /** Reads a Redshift system view or table (stl_, stv_, svl_, svv_, sys_, pg_table_def): flush bookkeeping first. */
  readonly readsSystemViews: boolean
  /**
   * A statement the gateway executes itself (COPY and UNLOAD from S3, later issues), or one that is
   * not available locally. When set, `sql` is not sent as is.
   */
  readonly gatewayCommand?: GatewayCommand
  /**
   * A statement Redshift answers on its leader node without running a query: it gets no query id, no
   * STL_QUERY / SYS_QUERY_HISTORY row, and does not change `pg_last_query_id()`. The gateway answers it
   * itself; `sql` is not sent.
   */
  readonly leaderOnly?: LeaderOnlyStatement
  /**
   * `sql` calls the engine's `pg_last_query_id()`, which reads the session setting `rk.last_query_id`:
   * the gateway must set it before each run (only with `TranslateContext.lastQueryIdFromSession`).
   */
  readonly readsLastQueryId?: true
  /**
   * The relations (as passed to `TranslateContext.relationColumns`) whose columns the translation
   * needed and did not get: `error` says the statement could not be translated; translate it again with
   * a `relationColumns` that knows them.
   */
  readonly needsColumns?: readonly string[]
}

/** A leader-node-only statement and what its one-row answer is made of. */
export interface LeaderOnlyStatement {
  /** `SELECT pg_last_query_id() [[AS] alias]`: one int4 column. */
  readonly type: 'lastQueryId'
  /** The column name: the alias (unquoted ones folded to lower case) or `pg_last_query_id`. */
  readonly column: string
}

/** An error the gateway answers with instead of running the statement. */
export interface StatementError {
  /** The SQLSTATE, e.g. `0A000` (feature not supported), `22023` (invalid parameter value). */
  readonly sqlState: string
  readonly message: string
  readonly hint?: string
}

/**
 * Every effect of a translated statement, whichever of `effect` / `effects` carries it.
 *
 * @example
 * for (const e of statementEffects(translated)) if (e.type === 'setting') session.set(e.name, e.value)
 */
export function statementEffects(statement: TranslatedStatement): readonly StatementEffect[] {
  if (statement.effects !== undefined) return statement.effects
  return statement.effect === undefined ? [] : [statement.effect]
}

export type GatewayCommand =
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'unload'; readonly text: string }
  /**
   * `EXPLAIN [VERBOSE] query`: the gateway plans `query` (already translated) on the engine and prints the
   * plan as Redshift does. `parameters`: how many `$n` values a client binds to the statement.
   */
  | {
      readonly type: 'explain'
      readonly query: string
      readonly verbose: boolean
      readonly parameters: number
    }
  /** Fails with SQLSTATE 0A000 and this message: something Redshift has that the local one does not. */
  | { readonly type: 'unsupported'; readonly message: string }

/** What translation needs to know about the session. */
export interface TranslateContext {
  /** The query id the statement will get. */
  readonly queryId: number
  /** `pg_last_query_id()` for this statement: the session's last completed query id, or -1. */
  readonly lastQueryId: number
  /**
   * Leave `pg_last_query_id()` to the engine (it reads the session setting `rk.last_query_id`) instead
   * of writing `lastQueryId` into the text: for named prepared statements, which run again later, when
   * the literal would be stale. The translation then says `readsLastQueryId`.
   */
  readonly lastQueryIdFromSession?: boolean
  /** Current values of the Redshift-only settings (for SHOW). */
  readonly settings: Readonly<Record<RedshiftSessionSetting, string>>
  /**
   * The column names of a table or view, in order, by its name as written (`t` or `s.t`, unquoted parts
   * in lower case), or undefined when it does not know it. PIVOT and UNPIVOT over a plain relation need
   * them (Redshift groups by, or keeps, the relation's other columns); only they call it, so a caller
   * can fill it after a first translation reported `needsColumns`, and no other statement waits for a
   * catalog.
   */
  readonly relationColumns?: (relation: string) => readonly string[] | undefined
}
