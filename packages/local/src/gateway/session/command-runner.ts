/**
 * Runs one gateway command (COPY / UNLOAD) through the configured executor, between the client's other
 * statements: after their answers were delivered, in the client's transaction, as a logged statement
 * with its own query id, under cancel and timeouts. A failure is made a failure in the engine too, so
 * the transaction ends as it would after any failed statement.
 */
import { buildCancelRequest, forwardCancel } from '../cancel.js'
import {
  type CommandContext,
  type CommandExecutor,
  type CommandOutcome,
  type CommandQueryResult,
  GatewayCommandError,
} from '../command-executor.js'
import { runExplain } from '../explain/run-explain.js'
import {
  buildCommandComplete,
  buildDataRow,
  buildNotice,
  buildRowDescription,
  type GatewayNotice,
} from '../protocol/backend.js'
import { Backend } from '../protocol/codes.js'
import { BIND_UNNAMED, buildParse, EXECUTE_UNNAMED } from '../protocol/frontend.js'
import { type CommandAbort, type Execution, RAISE_SQL } from './execution.js'
import { INTERNAL_CLEANUP, InternalQuery, internalQueryMessages, streamCopyIn } from './internal-query.js'
import type { ResponseRouter } from './responses.js'
import type { SessionState } from './session-state.js'

/** What the runner needs of its session. */
export interface CommandHost {
  readonly state: SessionState
  readonly router: ResponseRouter
  /** True once the session is closing. */
  readonly closed: boolean
  /** Writes frames to the client now. */
  toClient(...frames: Buffer[]): void
  /** Writes frames to the engine now. */
  toEngine(...frames: Buffer[]): void
  /** Resolves when every earlier message has been answered and its answer written to the client. */
  drained(): Promise<void>
  /** Resolves when the engine socket can take more data (at once unless much is still queued on it). */
  engineWritable(): Promise<void>
}

const NO_PARAMETER_TYPES = Buffer.alloc(2)

/**
 * Runs `exec`'s command. `execute` is the client's Execute (extended protocol) or undefined (a statement
 * of a simple Query). Resolves true on success; on failure the error is on its way to the client (and,
 * when the engine could still run statements, a failing statement was sent to it after the command).
 */
export async function runCommand(
  host: CommandHost,
  exec: Execution,
  executor: CommandExecutor | undefined,
  execute: Buffer | undefined,
): Promise<boolean> {
  const { state } = host
  await host.drained()
  const command = exec.prepared?.gatewayCommand
  if (host.closed || command === undefined) return false
  if (state.engineSkipping) {
    // An earlier message of the batch failed: the engine skips this statement, and so does the gateway.
    state.finish(exec, 'failed', undefined, 'not executed: an earlier message of the batch failed')
    return false
  }
  const run = new CommandRun(host, exec)
  state.markRunning(exec)
  try {
    await run.startTimeout()
    const outcome =
      command.type === 'explain'
        ? await runExplain(command, run.context, exec.portal?.bindParameters ?? [])
        : await (executor as CommandExecutor)(command, run.context)
    await run.settled()
    run.throwIfStopped()
    await run.recordLast(outcome)
    run.deliver(outcome, execute === undefined)
    return true
  } catch (error) {
    await run.settled()
    await run.fail(error, execute)
    return false
  } finally {
    run.end()
  }
}

/** The state of one command while it runs. */
class CommandRun {
  readonly #host: CommandHost
  readonly #exec: Execution
  readonly #controller = new AbortController()
  readonly #inFlight = new Set<Promise<unknown>>()
  #abort: CommandAbort | undefined
  #timer: NodeJS.Timeout | undefined
  /** Resolves once a cancel the gateway sent itself has reached the engine. */
  #cancelSent: Promise<void> = Promise.resolve()
  #ended = false
  /** Settles when the running copyIn ends: until then nothing else may be sent to the engine. */
  #copying: Promise<unknown> | undefined
  readonly context: CommandContext

  constructor(host: CommandHost, exec: Execution) {
    this.#host = host
    this.#exec = exec
    exec.abort = (reason) => this.#stop(reason, false)
    const { identity } = host.state
    this.context = {
      queryId: exec.record.queryId,
      pid: identity.pid,
      user: identity.user,
      database: identity.database,
      superuser: identity.superuser,
      signal: this.#controller.signal,
      query: (sql, params = []) => this.#query(sql, params),
      copyIn: (sql, data, signal) => this.#track(this.#copyIn(sql, data, signal)),
      notice: (severity, message) => {
        if (this.#ended || host.closed) return
        host.toClient(buildNotice({ severity, code: '00000', message }, Backend.NoticeResponse))
      },
    }
  }

  /** Arms `statement_timeout` (the engine's own only limits each of the command's queries). */
  async startTimeout(): Promise<void> {
    const r = await this.#query(
      "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'statement_timeout'",
      [],
    )
    const ms = Number(r.rows[0]?.[0] ?? 0)
    if (!(ms > 0) || this.#ended) return
    this.#timer = setTimeout(() => this.#stop({ message: undefined }, true), ms)
    this.#timer.unref()
  }

  #stop(reason: CommandAbort, cancelEngine: boolean): void {
    if (this.#abort !== undefined || this.#ended) return
    this.#abort = reason
    if (cancelEngine) {
      const { pid, secretKey } = this.#host.state.identity
      this.#cancelSent = forwardCancel(this.#host.state.ctx.engineSocket, buildCancelRequest(pid, secretKey))
    }
    this.#controller.abort(new GatewayCommandError('57014', this.#cancelText()))
  }

  #cancelText(): string {
    return this.#abort?.message ?? `Query (${this.#exec.record.queryId}) cancelled on user's request`
  }

  /** Why the engine cannot take a statement of the command now, if it cannot. */
  #refusal(): GatewayCommandError | undefined {
    if (this.#abort !== undefined) return new GatewayCommandError('57014', this.#cancelText())
    if (this.#ended || this.#host.closed)
      return new GatewayCommandError('08006', 'the command has already ended')
    if (this.#host.state.engineSkipping) {
      return new GatewayCommandError(
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      )
    }
    return undefined
  }

  /** Counts `promise` among the engine work `settled()` waits for. */
  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise)
    const forget = (): void => {
      this.#inFlight.delete(promise)
    }
    promise.then(forget, forget)
    return promise
  }

  #query(sql: string, params: readonly (string | null)[]): Promise<CommandQueryResult> {
    const copying = this.#copying
    if (copying !== undefined) {
      // The engine reads nothing but the COPY's data until it ends.
      const next = copying.then(
        () => this.#query(sql, params),
        () => this.#query(sql, params),
      )
      return this.#track(next)
    }
    const refusal = this.#refusal()
    if (refusal !== undefined) return Promise.reject(refusal)
    const host = this.#host
    const promise = new Promise<CommandQueryResult>((resolve, reject) => {
      host.router.expect({ kind: 'internal', query: new InternalQuery(resolve, reject) })
      host.toEngine(...internalQueryMessages(sql, params))
    })
    return this.#track(promise)
  }

  async #copyIn(
    sql: string,
    data: AsyncIterable<Uint8Array>,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    while (this.#copying !== undefined) await this.#copying.catch(() => undefined)
    const refusal = this.#refusal()
    if (refusal !== undefined) throw refusal
    const signals = signal === undefined ? [this.context.signal] : [signal, this.context.signal]
    const run = streamCopyIn(this.#host, sql, data, signals)
    this.#copying = run
    try {
      return await run
    } finally {
      if (this.#copying === run) this.#copying = undefined
    }
  }

  /** Waits for the engine to answer every query the executor started (even ones it did not await). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  throwIfStopped(): void {
    if (this.#abort !== undefined) throw new GatewayCommandError('57014', this.#cancelText())
    if (this.#host.state.engineSkipping) {
      throw new GatewayCommandError(
        '25P02',
        'a query of the command failed, so its transaction is aborted; the executor must not go on after a failed query',
      )
    }
  }

  /** Sets the session's `pg_last_copy_*` / `pg_last_unload_*` values the outcome asks for. */
  async recordLast(outcome: CommandOutcome): Promise<void> {
    const settings: [string, string][] = []
    if (outcome.lastCopy !== undefined) {
      settings.push(['rk.last_copy_id', String(outcome.lastCopy.id)])
      settings.push(['rk.last_copy_count', String(outcome.lastCopy.count)])
    }
    if (outcome.lastUnloadCount !== undefined) {
      settings.push(['rk.last_unload_id', String(this.#exec.record.queryId)])
      settings.push(['rk.last_unload_count', String(outcome.lastUnloadCount)])
    }
    if (settings.length === 0) return
    // Session-level, yet undone with the transaction should it roll back: as Redshift, whose
    // pg_last_copy_id() does not move for a COPY that was rolled back.
    const calls = settings.map((_, i) => `pg_catalog.set_config($${2 * i + 1}, $${2 * i + 2}, false)`)
    await this.#query(`SELECT ${calls.join(', ')}`, settings.flat())
    this.throwIfStopped()
  }

  /** Success: the outcome's rows and CommandComplete go to the client, and the statement is logged. */
  deliver(outcome: CommandOutcome, simple: boolean): void {
    const frames: Buffer[] = []
    const record = this.#exec.record
    if (outcome.rows !== undefined) {
      if (simple) {
        frames.push(
          buildRowDescription(
            outcome.rows.fields.map((f) => ({
              name: f.name,
              tableOid: 0,
              columnNumber: 0,
              typeOid: f.typeOid,
              typeSize: -1,
              typeModifier: -1,
              format: 0,
            })),
          ),
        )
      }
      for (const values of outcome.rows.values) {
        const row = buildDataRow(values)
        record.returnedRows++
        record.returnedBytes += row.length - 5
        frames.push(row)
      }
    }
    frames.push(buildCommandComplete(outcome.commandTag))
    this.#cleanUp()
    this.#host.toClient(...frames)
    this.#host.state.finish(this.#exec, 'success', outcome.commandTag)
  }

  /**
   * Failure: when the engine can still run statements, it runs one that fails with the command's error
   * (the client sees that error, and the transaction is left as any failed statement leaves it);
   * otherwise (a query of the command failed) the engine is already skipping to the next Sync, and the
   * error goes to the client directly.
   */
  async fail(error: unknown, execute: Buffer | undefined): Promise<void> {
    const host = this.#host
    const exec = this.#exec
    const notice = this.#notice(error)
    await this.#cancelSent
    if (host.closed) return
    if (!host.state.engineSkipping) {
      this.#cleanUp()
      exec.raise = notice
      if (execute !== undefined) {
        // The client's portal holds a statement that fails when run (prepareStatement).
        host.router.expect({ kind: 'execute', exec })
        host.toEngine(execute)
      } else {
        host.router.expect({ kind: 'parse', hidden: true })
        host.router.expect({ kind: 'bind', hidden: true })
        host.router.expect({ kind: 'execute', exec })
        host.toEngine(buildParse('', RAISE_SQL, NO_PARAMETER_TYPES), BIND_UNNAMED, EXECUTE_UNNAMED)
      }
      return
    }
    host.toClient(buildNotice(notice))
    host.state.finish(exec, notice.code === '57014' ? 'canceled' : 'failed', undefined, notice.message)
  }

  /** The engine forgets the command's statement and portal (only while it still runs messages). */
  #cleanUp(): void {
    const host = this.#host
    for (const _ of INTERNAL_CLEANUP) host.router.expect({ kind: 'close', hidden: true })
    host.toEngine(...INTERNAL_CLEANUP)
  }

  #notice(error: unknown): GatewayNotice {
    if (this.#abort !== undefined) {
      return { severity: 'ERROR', code: '57014', message: this.#cancelText() }
    }
    if (error instanceof GatewayCommandError) {
      // The engine's own cancels (its statement_timeout on one query) read as Redshift words them.
      const message = error.sqlState === '57014' ? this.#cancelText() : error.message
      return {
        severity: 'ERROR',
        code: error.sqlState,
        message,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      }
    }
    const text = error instanceof Error ? error.message : String(error)
    this.#host.state.ctx.log(
      `[gateway] session ${this.#host.state.identity.pid}: the ${this.#exec.record.queryType} executor failed: ${text}`,
    )
    return { severity: 'ERROR', code: 'XX000', message: text }
  }

  end(): void {
    this.#ended = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#exec.abort = undefined
  }
}
