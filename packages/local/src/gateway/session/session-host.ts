/**
 * What the message handlers split out of Session (simple-query.ts, extended-protocol.ts) need of their
 * session, and the small helpers they share. Session builds one host and keeps its state private.
 */
import type { TranslateContext } from '@redshift-kit/dialect'
import type { GatewayContext } from '../context.js'
import type { Execution } from './execution.js'
import type { ResponseRouter } from './responses.js'
import type { SessionState } from './session-state.js'

/** Parse's parameter-type list with no types (Int16 0). */
export const NO_PARAMETER_TYPES: Buffer = Buffer.alloc(2)

/** What a client-message handler needs of its session. */
export interface SessionHost {
  readonly ctx: GatewayContext
  readonly state: SessionState
  readonly router: ResponseRouter
  /** True once the session is closing. */
  readonly closed: boolean
  /** Queues a frame for the engine; it is written at the next `flushEngine()`. */
  send(frame: Buffer): void
  /** Writes what is queued for the engine (pausing the client while the engine socket is full). */
  flushEngine(): void
  /** Writes what is queued for the client (pausing the engine while the client socket is full). */
  flushClient(): void
  /** Resolves when every earlier message has been answered and its answer written to the client. */
  drained(): Promise<void>
  /**
   * Runs `exec`'s COPY / UNLOAD through the command executor (command-runner.ts); `execute` is the
   * client's Execute, or undefined for a statement of a simple Query. Resolves true on success.
   */
  launchCommand(exec: Execution, execute: Buffer | undefined): Promise<boolean>
}

/** Whether `exec` is a COPY / UNLOAD for the executor: one is configured and WLM let it run. */
export function runsCommand(host: SessionHost, exec: Execution): boolean {
  return (
    exec.prepared?.gatewayCommand !== undefined &&
    (host.ctx.commandExecutor !== undefined || exec.prepared.gatewayCommand.type === 'explain') &&
    exec.raise === undefined
  )
}

/**
 * What translation knows of the session. A named statement runs again later, when a
 * `pg_last_query_id()` literal would be stale: it reads the session setting the gateway sets instead.
 */
export function translateContext(state: SessionState, queryId: number, named = false): TranslateContext {
  const lastQueryId = Math.max(state.lastQueryId, state.lastSentQueryId)
  return named
    ? { queryId, lastQueryId, settings: state.settings, lastQueryIdFromSession: true }
    : { queryId, lastQueryId, settings: state.settings }
}
