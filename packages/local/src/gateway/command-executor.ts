/**
 * The seam through which the gateway runs the statements it executes itself (COPY ... FROM 's3://...'
 * and UNLOAD): the dialect marks them, the gateway queues and logs them like any statement, and a
 * `CommandExecutor` given in the gateway's options does the work on the client's own engine session.
 */
import type { GatewayCommand } from '@redshift-kit/dialect'

/** A statement the gateway hands to its executor. */
export type ExecutableCommand = Extract<GatewayCommand, { type: 'copy' | 'unload' }>

/** A column of a result. */
export interface CommandField {
  readonly name: string
  /** The type OID clients see (Redshift's, e.g. 25 text, 23 integer, 20 bigint). */
  readonly typeOid: number
}

/** What `CommandContext.query` returns: text values, as the engine printed them. */
export interface CommandQueryResult {
  readonly rows: (string | null)[][]
  readonly fields: { name: string; typeOid: number }[]
  /** The command tag's words without its counts: `INSERT`, `SELECT`, `CREATE TABLE`. */
  readonly command: string
  /** The count at the end of the command tag (rows inserted, selected, ...), or 0. */
  readonly rowCount: number
}

/**
 * What an executor gets besides the statement: who runs it, and the client's engine session.
 *
 * @example
 * const { rows } = await ctx.query('SELECT count(*) FROM sales WHERE region = $1', ['west'])
 * if (ctx.signal.aborted) throw ctx.signal.reason
 */
export interface CommandContext {
  /** The statement's query id (what `pg_last_query_id()` and the query log show for it). */
  readonly queryId: number
  /** The session's process id (`pg_backend_pid()`). */
  readonly pid: number
  readonly user: string
  readonly database: string
  readonly superuser: boolean
  /**
   * Runs one SQL statement on the client's own engine session, in the client's transaction, with text
   * parameters (`$1`, ...; null is SQL NULL). Rejects with a `GatewayCommandError` carrying the engine's
   * SQLSTATE; after such an error the transaction is aborted and every later call rejects (25P02), so
   * let the error end the command. Must not end the transaction (no COMMIT / ROLLBACK).
   */
  query(sql: string, params?: readonly (string | null)[]): Promise<CommandQueryResult>
  /**
   * Runs `COPY table [(columns)] FROM STDIN ...` on the client's own engine session, in the client's
   * transaction, and streams `data` to it as CopyData, pulling the next chunk only once the engine
   * connection has room for it. Resolves with the rows the engine loaded (its `COPY n` tag).
   *
   * The engine's errors reject as a `GatewayCommandError` with its SQLSTATE (the transaction is then
   * aborted, as after a failed `query`). When `data` throws, or `signal` (or the command's own signal)
   * aborts, the engine is sent CopyFail, so nothing of this COPY is kept, and the promise rejects with
   * that error or abort reason once the engine has answered. `query` calls made meanwhile wait for the
   * COPY to end.
   *
   * @example
   * async function* rows() {
   *   yield Buffer.from('1,alpha\n2,beta\n')
   * }
   * const loaded = await ctx.copyIn('COPY sales (id, name) FROM STDIN WITH (FORMAT csv)', rows())
   */
  copyIn(sql: string, data: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<number>
  /** Sends a NoticeResponse to the client at once, e.g. INFO `Load into table 'x' completed, ...`. */
  notice(severity: 'INFO' | 'NOTICE' | 'WARNING', message: string): void
  /**
   * Aborted when the statement is cancelled (CancelRequest, `CANCEL pid`), runs past `statement_timeout`
   * or its WLM queue's time limit, or the client disconnects. A running `query` is cancelled in the
   * engine as well; the executor should stop soon after, by throwing.
   */
  readonly signal: AbortSignal
}

/**
 * A finished command.
 *
 * @example
 * return { commandTag: 'COPY 3', lastCopy: { id: ctx.queryId, count: 3 } }
 */
export interface CommandOutcome {
  /** The CommandComplete tag, e.g. `COPY` or `UNLOAD`; a trailing count is the query log's rows affected. */
  readonly commandTag: string
  /** Rows to return to the client (UNLOAD's summary, for instance); none when absent. */
  readonly rows?: {
    readonly fields: readonly CommandField[]
    readonly values: readonly (readonly (string | null)[])[]
  }
  /** Sets what `pg_last_copy_id()` / `pg_last_copy_count()` answer in the session from now on. */
  readonly lastCopy?: { readonly id: number; readonly count: number }
  /** Sets `pg_last_unload_count()`; `pg_last_unload_id()` becomes this statement's query id. */
  readonly lastUnloadCount?: number
}

/**
 * Runs a COPY or UNLOAD for the gateway. Its engine work happens in the client's transaction: if it
 * throws, the gateway makes the statement fail in the engine as well, so inside a transaction block the
 * transaction is aborted and outside one nothing the executor did is kept. Throw a
 * `GatewayCommandError` to choose the SQLSTATE and message the client sees.
 *
 * @example
 * const executor: CommandExecutor = async (command, ctx) => {
 *   const r = await ctx.query('INSERT INTO t VALUES ($1)', ['x'])
 *   ctx.notice('INFO', `Load into table 't' completed, ${r.rowCount} record(s) loaded successfully.`)
 *   return { commandTag: 'COPY', lastCopy: { id: ctx.queryId, count: r.rowCount } }
 * }
 * await startGateway({ ...options, commandExecutor: executor })
 */
export type CommandExecutor = (command: ExecutableCommand, ctx: CommandContext) => Promise<CommandOutcome>

/**
 * An error a command fails with, as the client sees it (an ErrorResponse with this SQLSTATE).
 *
 * @example
 * throw new GatewayCommandError('XX000', "Load into table 'sales' failed.  Check 'stl_load_errors' system table for details.")
 */
export class GatewayCommandError extends Error {
  override readonly name = 'GatewayCommandError'
  /** Five-character SQLSTATE, e.g. `XX000`, `22P02`, `57014`. */
  readonly sqlState: string
  readonly detail: string | undefined
  readonly hint: string | undefined

  constructor(
    sqlState: string,
    message: string,
    options: { readonly detail?: string; readonly hint?: string; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    if (!/^[0-9A-Z]{5}$/.test(sqlState)) {
      throw new TypeError(`a SQLSTATE is five digits or capital letters, such as 'XX000'; got '${sqlState}'`)
    }
    this.sqlState = sqlState
    this.detail = options.detail
    this.hint = options.hint
  }
}
