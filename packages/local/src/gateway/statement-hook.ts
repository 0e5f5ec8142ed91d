/**
 * A seam for work the gateway must do before a statement runs, outside the engine session of the
 * client (Spectrum brings external tables up to date, and runs external DDL, this way).
 */
import type { TranslatedStatement } from '@redshift-kit/dialect'

/** Who runs the statement. */
export interface StatementHookSession {
  readonly user: string
  readonly userId: number
  readonly database: string
  readonly superuser: boolean
  readonly pid: number
  /** An explicit transaction block (BEGIN) may be open. */
  readonly inTransactionBlock: boolean
}

/**
 * Called for a statement it `wants` once the statement has its WLM slot, before it reaches the engine;
 * a rejection fails the statement with that error (a
 * `GatewayCommandError` chooses the SQLSTATE and message).
 *
 * @example
 * const hook: StatementHook = {
 *   wants: (t) => t.original.includes('spectrum.'),
 *   beforeStatement: (t, queryId, session) => refresh(session),
 * }
 */
export interface StatementHook {
  /** Whether `beforeStatement` has work for this statement (cheap: asked of every statement). */
  wants(translation: TranslatedStatement): boolean
  beforeStatement(
    translation: TranslatedStatement,
    queryId: number,
    session: StatementHookSession,
    /** Aborted when the statement is cancelled or its client disconnects: stop, and throw. */
    signal: AbortSignal,
  ): Promise<void>
}
