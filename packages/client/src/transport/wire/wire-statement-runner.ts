import { classifyError } from '../../errors/classify.js'
import { isRedshiftError, type RedshiftError } from '../../errors/redshift-error.js'
import { serializeParams } from '../../types/param-serializer.js'
import type { QueryParam } from '../../types/value.js'
import type { PreparedStatementSpec, StatementSettings, TransportResult } from '../transport.js'
import type { StatementTraits } from './statement-traits.js'
import type { WireConnection } from './wire-connection.js'

/** The session settings the wire transport manages on every connection. */
export const MANAGED_SETTINGS = ['query_group', 'statement_timeout'] as const

// The client's own transaction control: no query id is wanted for them, and a SELECT right after
// BEGIN would take PostgreSQL's serializable snapshot before the caller's first statement does.
const TRANSACTION_CONTROL = new Set(['BEGIN', 'COMMIT', 'ROLLBACK'])

/** What the runner needs from its transport. */
export interface RunnerContext {
  /** Whether `pg_last_query_id()` exists on this server (probed once). */
  readonly fetchQueryId: boolean
  /** Retires the statements deallocated since this connection last ran something. */
  readonly retireOn: (connection: WireConnection) => void
  /** What the transport may do with a statement (named parse, shared connection, bundled id). */
  readonly traits: (sql: string) => StatementTraits
}

function wanted(settings: StatementSettings): Record<string, string | null> {
  return {
    query_group: settings.queryGroup,
    statement_timeout:
      settings.timeoutMs === null ? null : String(Math.max(0, Math.round(settings.timeoutMs))),
  }
}

/**
 * Whether a failure leaves the connection unusable: a broken session, a lost or failed connection, a
 * FATAL server error, or a raw failure that is not an error the server reported for the statement.
 * (A protocol mix-up makes `pg` itself mark the session broken.)
 */
export function isFatalForConnection(error: unknown, connection: WireConnection): boolean {
  if (connection.broken) return true
  if (typeof error !== 'object' || error === null) return true
  const e = error as { severity?: unknown; code?: unknown }
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true
  if (isRedshiftError(error)) {
    return error.code === 'CONNECTION_LOST' || error.code === 'CONNECTION_FAILED'
  }
  return typeof e.severity !== 'string'
}

/** Classifies a wire failure with what only the runner knows: the SQL, the timeout, the session. */
export function classifyWireError(
  error: unknown,
  connection: WireConnection | undefined,
  sql: string | undefined,
  settings: StatementSettings | undefined,
  startedAt: number,
): RedshiftError {
  const timeoutMs = settings?.timeoutMs ?? null
  const message = typeof error === 'object' && error !== null ? String((error as Error).message) : ''
  // PostgreSQL says "statement timeout"; Redshift says "cancelled on user's request" for both a
  // timeout and a cancel, so the elapsed time decides.
  const timedOut =
    /statement timeout/i.test(message) ||
    (timeoutMs !== null && timeoutMs > 0 && Date.now() - startedAt >= timeoutMs)
  return classifyError(error, {
    ...(sql === undefined ? {} : { sql }),
    ...(timedOut && timeoutMs !== null ? { timedOut: true, timeoutMs } : {}),
    metadata: { transport: 'wire', ...(connection && connection.pid > 0 ? { pid: connection.pid } : {}) },
  })
}

/** Runs a statement (ad hoc or prepared) on one wire connection and shapes its result. */
export async function runOnConnection(
  connection: WireConnection,
  context: RunnerContext,
  sql: string,
  params: readonly QueryParam[],
  settings: StatementSettings,
  prepared?: PreparedStatementSpec,
): Promise<TransportResult> {
  const values = serializeParams(params)
  const traits = context.traits(sql)
  context.retireOn(connection)
  const startedAt = Date.now()
  try {
    return await connection.run({
      sql,
      values,
      settings: wanted(settings),
      fetchQueryId: context.fetchQueryId && !TRANSACTION_CONTROL.has(sql),
      bundleQueryId: traits.shareable,
      ...(prepared === undefined ? { autoName: traits.nameable } : { name: prepared.serverName }),
    })
  } catch (error) {
    throw classifyWireError(error, connection, sql, settings, startedAt)
  }
}
