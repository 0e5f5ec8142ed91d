import type { PoolStats } from '../../src/transport/pool-stats.js'
import type {
  Transport,
  TransportDiagnostics,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../../src/transport/transport.js'
import type { QueryParam, Value } from '../../src/types/value.js'

/** One statement the fake ran: where, what, with which parameters. */
export interface Executed {
  readonly session: string
  readonly sql: string
  readonly params: readonly QueryParam[]
}

/** Answers a statement: rows (and a query id), or throws. */
export type Script = (sql: string, params: readonly QueryParam[]) => { rows?: Value[][]; queryId?: string }

/** A scripted in-memory transport: records every statement and every session's release. */
export class FakeTransport implements Transport {
  readonly name = 'fake'
  readonly capabilities
  readonly executed: Executed[] = []
  readonly released: { session: string; error: unknown }[] = []
  #sessions = 0

  constructor(
    readonly script: Script,
    sessions = true,
  ) {
    this.capabilities = { sessions, preparedStatements: false, cancel: false, cursors: false }
  }

  #run(session: string, statement: TransportStatement): TransportResult {
    this.executed.push({ session, sql: statement.sql, params: statement.params })
    const answer = this.script(statement.sql, statement.params)
    return {
      columns: [],
      rows: answer.rows ?? [],
      rowsAffected: 0,
      command: 'SELECT',
      queryId: answer.queryId ?? '',
    }
  }

  async execute(statement: TransportStatement): Promise<TransportResult> {
    return this.#run('autocommit', statement)
  }

  async openSession(): Promise<TransportSession> {
    // Numeric, like the wire transport's backend pids.
    const id = String(++this.#sessions)
    const session: TransportSession = {
      id,
      inTransaction: false,
      execute: async (statement) => this.#run(id, statement),
      executePrepared: async () => {
        throw new Error('not scripted')
      },
      release: (error?: unknown) => {
        this.released.push({ session: id, error })
      },
    }
    return session
  }

  async prepare(): Promise<never> {
    throw new Error('not scripted')
  }
  async executePrepared(): Promise<never> {
    throw new Error('not scripted')
  }
  async deallocate(): Promise<void> {}
  async cancel(): Promise<boolean> {
    return false
  }
  stats(): PoolStats {
    return { total: 0, idle: 0, active: 0, pending: 0, waiting: 0, max: 1, min: 0 } as unknown as PoolStats
  }
  async diagnostics(): Promise<TransportDiagnostics> {
    return {
      transport: 'fake',
      endpoint: { host: 'fake', port: 5439, database: 'dev' },
      serverVersion: null,
      serverVersionText: null,
      tls: { enabled: false, mode: 'disable' },
      authMethod: 'password',
      user: null,
    }
  }
  async close(): Promise<void> {}
}
