/**
 * A Data API statement's database session: a `pg` connection to the gateway's own wire port, as the
 * resolved login, so statements get what wire clients get (query ids, WLM routing, `stl_query` and
 * `sys_query_history` rows, the dialect) and CancelStatement is the protocol's CancelRequest.
 */
import { connect } from 'node:net'
import pg from 'pg'
import type { WireEndpoint } from '../aws-context.js'
import type { ConnectionTarget } from './connection-target.js'

/** Values arrive in the engine's text form: the Data API encodes them itself. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig

/** What a statement returned. */
export interface QueryOutcome {
  readonly fields: readonly pg.FieldDef[]
  /** Rows of the last result that had a RowDescription, or undefined when there was none. */
  readonly hasResultSet: boolean
  readonly rowCount: number | null
  readonly command: string
}

/** Where a gateway listening on every interface is reached from this process. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '::1'
  return host
}

const CONNECT_TIMEOUT_MS = 10_000

/** One open connection to the gateway. */
export class GatewayConnection {
  readonly #client: pg.Client
  readonly #wire: WireEndpoint
  #lastQueryId = -1
  #closed = false

  private constructor(client: pg.Client, wire: WireEndpoint) {
    this.#client = client
    this.#wire = wire
  }

  /** Logs in as the target's login. Rejects with the gateway's error (a wrong password, a missing database). */
  static async open(wire: WireEndpoint, target: ConnectionTarget): Promise<GatewayConnection> {
    const client = new pg.Client({
      host: reachableHost(wire.host),
      port: wire.port,
      database: target.database,
      user: target.login,
      password: target.password,
      application_name: 'redshift-data-api',
      types: RAW_TEXT,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    })
    // An error between statements (the gateway went away) ends the connection; the next use reports it.
    client.on('error', () => undefined)
    await client.connect()
    const connection = new GatewayConnection(client, wire)
    connection.#lastQueryId = await connection.#queryId()
    return connection
  }

  /** The engine process id clients see (`pg_backend_pid()`, `stl_query.pid`). */
  get pid(): number {
    return (this.#client as unknown as { processID: number }).processID
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Runs one statement, handing each row (text values) to `onRow` as it arrives. `onRow` may throw
   * to stop keeping rows (a result limit): the statement is then cancelled and the error rethrown.
   */
  run(
    text: string,
    values: readonly string[],
    onFields: (fields: readonly pg.FieldDef[]) => void,
    onRow: (row: readonly (string | null)[]) => void,
  ): Promise<QueryOutcome> {
    return new Promise((resolve, reject) => {
      const config = { text, values: values.length > 0 ? [...values] : undefined, rowMode: 'array' }
      const query = new pg.Query(config as pg.QueryConfig)
      let fields: pg.FieldDef[] = []
      let hasResultSet = false
      let stopped: unknown
      query.on('row', (row: (string | null)[], result?: pg.ResultBuilder) => {
        if (stopped !== undefined) return
        if (!hasResultSet) {
          hasResultSet = true
          fields = result?.fields ?? []
          onFields(fields)
        }
        try {
          onRow(row)
        } catch (error) {
          stopped = error
          void this.cancel()
        }
      })
      query.on('end', (result: pg.Result) => {
        if (stopped !== undefined) {
          reject(stopped)
          return
        }
        const described = result.fields.length > 0
        if (described && !hasResultSet) {
          hasResultSet = true
          fields = result.fields
          onFields(fields)
        }
        resolve({
          fields,
          hasResultSet: described || hasResultSet,
          rowCount: result.rowCount,
          command: result.command,
        })
      })
      query.on('error', (error: Error) => reject(stopped ?? error))
      this.#client.query(query)
    })
  }

  /**
   * A query the Data API runs for itself (catalog lookups), rows of text. It gets a query id of its
   * own, which the next statement's {@link lastQueryId} must not take for its own.
   */
  async internal(text: string, values: readonly unknown[] = []): Promise<string[][]> {
    try {
      const result = await this.#client.query({ text, values: [...values], rowMode: 'array' })
      return result.rows as string[][]
    } finally {
      this.#lastQueryId = await this.#queryId().catch(() => this.#lastQueryId)
    }
  }

  /**
   * The query id of the statement that just ran, or 0 when it did not count as a query (transaction
   * control, SET): `pg_last_query_id()` is answered by the gateway without a query of its own.
   */
  async lastQueryId(): Promise<number> {
    const id = await this.#queryId()
    const fresh = id !== this.#lastQueryId && id > 0
    this.#lastQueryId = id
    return fresh ? id : 0
  }

  async #queryId(): Promise<number> {
    const result = await this.#client.query({ text: 'select pg_last_query_id()', rowMode: 'array' })
    return Number((result.rows[0] as string[] | undefined)?.[0] ?? -1)
  }

  /** Sends the protocol's CancelRequest for whatever runs on this connection. */
  cancel(): Promise<void> {
    const c = this.#client as unknown as { processID: number; secretKey: number }
    const request = Buffer.alloc(16)
    request.writeInt32BE(16, 0)
    request.writeInt32BE(80877102, 4)
    request.writeInt32BE(c.processID, 8)
    request.writeInt32BE(c.secretKey, 12)
    return new Promise((resolve) => {
      const socket = connect({ host: reachableHost(this.#wire.host), port: this.#wire.port })
      const done = (): void => {
        clearTimeout(timer)
        socket.destroy()
        resolve()
      }
      const timer = setTimeout(done, 5000)
      timer.unref()
      socket.once('connect', () => socket.end(request))
      socket.once('close', done)
      socket.once('error', done)
    })
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#client.end().catch(() => undefined)
  }
}
