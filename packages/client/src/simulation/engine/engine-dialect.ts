import {
  REDSHIFT_SETTING_DEFAULTS,
  rewriteVersionCall,
  type TranslateContext,
  translateStatement,
} from '@redshift-kit/dialect'

/**
 * The mock's tables speak Redshift through the same translation as redshift-local: `TOP`, `SYSDATE`,
 * bare date parts, `DECODE`, table attributes in DDL... become PostgreSQL, and what Redshift refuses
 * (`ON CONFLICT`, `CREATE INDEX`, `serial` columns...) fails with Redshift's SQLSTATE and text.
 * Redshift-only settings are the mock's session business (its system answers), so translation sees
 * their defaults; `pg_last_query_id()` is answered by the mock before the engine sees it.
 */
const CONTEXT: TranslateContext = {
  queryId: 0,
  lastQueryId: -1,
  lastQueryIdFromSession: true,
  settings: REDSHIFT_SETTING_DEFAULTS,
}

/** An error shaped as the server's, so the client classifies it by SQLSTATE as it would Redshift's. */
function serverError(code: string, message: string, hint?: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...(hint ? { hint } : {}) })
}

/** A statement that needs the columns of these relations (PIVOT over a plain table) to translate. */
export interface NeedsColumns {
  readonly needsColumns: readonly string[]
}

/**
 * The engine's text for one statement of Redshift SQL, or a thrown server-shaped error for what
 * Redshift refuses. COPY and UNLOAD are answered by `setCopyResponse` / `setUnloadResponse`, never by
 * the tables. Without `relationColumns`, a statement that needs a relation's columns comes back as
 * {@link NeedsColumns}: the caller reads them from its catalog and asks again with them.
 */
export function toEngineSql(
  sql: string,
  relationColumns?: (relation: string) => readonly string[] | undefined,
): string | NeedsColumns {
  let translated: ReturnType<typeof translateStatement>
  try {
    translated = translateStatement(sql, relationColumns ? { ...CONTEXT, relationColumns } : CONTEXT)
  } catch (error) {
    throw serverError('42601', error instanceof Error ? error.message : String(error))
  }
  const { error, gatewayCommand: command } = translated
  if (relationColumns === undefined && translated.needsColumns !== undefined)
    return { needsColumns: translated.needsColumns }
  if (error !== undefined) throw serverError(error.sqlState, error.message, error.hint)
  if (command?.type === 'unsupported') throw serverError('0A000', command.message)
  if (command !== undefined) {
    throw serverError(
      '0A000',
      `the mock's tables do not run ${command.type.toUpperCase()}`,
      command.type === 'copy'
        ? 'set mock.setCopyResponse(table, { rowsLoaded }) for its table'
        : "set mock.setUnloadResponse('prefix/', { rowsUnloaded }) for its S3 location",
    )
  }
  return rewriteVersionCall(translated.sql)
}
