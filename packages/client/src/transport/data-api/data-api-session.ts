import { quoteLiteral } from '@redshift-kit/dialect'
import { ConnectionLostError } from '../../errors/connection-errors.js'
import { NotFoundError } from '../../errors/query-errors.js'
import { leadingKeyword } from '../../types/sql-scan.js'
import type { QueryParam } from '../../types/value.js'
import type {
  PreparedStatementSpec,
  StatementSettings,
  TransportCall,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../transport.js'
import type { StatementClient } from './statement-client.js'

/** How long an idle Data API session stays open on the service (SessionKeepAliveSeconds). */
export const SESSION_KEEP_ALIVE_SECONDS = 300

const OPENS = new Set(['BEGIN', 'START'])
const ENDS = new Set(['COMMIT', 'END', 'ROLLBACK', 'ABORT'])

/**
 * A session lent by the Data API transport: a Data API session (`SessionKeepAliveSeconds` on its
 * first statement, `SessionId` on the next), so a transaction, `SET query_group` and temporary
 * tables live from one statement to the next. Nothing is opened on the service until the first
 * statement; `id` is the service's session id from then on.
 */
export class DataApiSession implements TransportSession {
  readonly #statements: StatementClient
  readonly #onRelease: (session: DataApiSession, reusable: boolean) => void
  #sessionId: string | undefined
  #localId: string
  #running: string | undefined
  #submitting = false
  /** A cancel asked for while the statement was being submitted: sent once its id is known. */
  #cancelPending = false
  #inTransaction = false
  #lost = false
  #queryGroup: string | null = null
  /** When the service closes it if nothing runs. */
  expiresAt = 0

  constructor(
    statements: StatementClient,
    localId: string,
    onRelease: (session: DataApiSession, reusable: boolean) => void,
  ) {
    this.#statements = statements
    this.#localId = localId
    this.#onRelease = onRelease
  }

  get id(): string {
    return this.#sessionId ?? this.#localId
  }

  get inTransaction(): boolean {
    return this.#inTransaction
  }

  get lost(): boolean {
    return this.#lost
  }

  /** The statement id running now, if any. */
  get running(): string | undefined {
    return this.#running
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    await this.#apply(statement.settings, statement)
    return this.#run(statement.sql, statement.params, statement)
  }

  /** Emulated: the Data API has no prepared statements, so the statement's SQL is sent each time. */
  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    call: TransportCall = {},
  ): Promise<TransportResult> {
    return this.execute({ sql: prepared.sql, params, settings, ...call })
  }

  async cancel(): Promise<boolean> {
    const id = this.#running
    if (id === undefined) {
      if (!this.#submitting) return false
      this.#cancelPending = true
      return true
    }
    return this.#cancelStatement(id)
  }

  async #cancelStatement(id: string): Promise<boolean> {
    const api = this.#statements.api
    try {
      const out = await api.client.send(new api.sdk.CancelStatementCommand({ Id: id }))
      return out.Status === true
    } catch {
      return false
    }
  }

  release(error?: unknown): void {
    const reusable = error === undefined && !this.#inTransaction && !this.#lost && this.#running === undefined
    if (!reusable && this.#inTransaction && !this.#lost && this.#sessionId !== undefined) {
      // The service keeps a session (and its open transaction's locks) until its keep-alive passes:
      // end the transaction now rather than leave it to expire.
      void this.#statements
        .run('ROLLBACK', [], { kind: 'in', sessionId: this.#sessionId }, {})
        .catch(() => undefined)
      this.#inTransaction = false
    }
    this.#onRelease(this, reusable)
  }

  /** Sets the WLM query group the statement asks for, when the session has another. */
  async #apply(settings: StatementSettings, call: TransportCall): Promise<void> {
    if (settings.queryGroup === this.#queryGroup) return
    const sql =
      settings.queryGroup === null
        ? 'RESET query_group'
        : `SET query_group TO ${quoteLiteral(settings.queryGroup)}`
    await this.#run(sql, [], call)
    this.#queryGroup = settings.queryGroup
  }

  async #run(
    sql: string,
    params: readonly QueryParam[],
    call: TransportCall & { settings?: StatementSettings },
  ): Promise<TransportResult> {
    if (this.#lost) throw new ConnectionLostError('the Data API session has ended; open another')
    const mode =
      this.#sessionId === undefined
        ? ({ kind: 'open', keepAliveSeconds: SESSION_KEEP_ALIVE_SECONDS } as const)
        : ({ kind: 'in', sessionId: this.#sessionId } as const)
    const keyword = leadingKeyword(sql).toUpperCase()
    this.#submitting = true
    try {
      const result = await this.#statements.run(
        sql,
        params,
        mode,
        {
          signal: call.signal,
          deadline: call.deadline,
          timeoutMs: call.settings?.timeoutMs,
        },
        (id, sessionId) => {
          this.#submitting = false
          this.#running = id
          this.#sessionId ??= sessionId
          if (this.#cancelPending) {
            this.#cancelPending = false
            void this.#cancelStatement(id)
          }
        },
      )
      if (OPENS.has(keyword)) this.#inTransaction = true
      else if (ENDS.has(keyword)) this.#inTransaction = false
      return result
    } catch (error) {
      if (error instanceof NotFoundError && this.#sessionId !== undefined) {
        // The session expired or was closed on the service: whatever it held is gone.
        this.#lost = true
        this.#inTransaction = false
        throw new ConnectionLostError(`Data API session ${this.#sessionId} has ended: ${error.message}`, {
          cause: error,
        })
      }
      // A failed statement inside a transaction leaves it aborted until ROLLBACK, as on the wire.
      if (ENDS.has(keyword)) this.#inTransaction = false
      throw error
    } finally {
      this.#submitting = false
      this.#cancelPending = false
      this.#running = undefined
      this.expiresAt = Date.now() + SESSION_KEEP_ALIVE_SECONDS * 1000
    }
  }
}
