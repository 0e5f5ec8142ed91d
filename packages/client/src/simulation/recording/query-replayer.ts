import { readFile } from 'node:fs/promises'
import { type ClientOptions, createClient, type RedshiftClient } from '../../client.js'
import type { RedshiftConfig } from '../../config/redshift-config.js'
import { NotFoundError } from '../../errors/query-errors.js'
import { type Query, toQuery } from '../../query/query.js'
import { QueryResult } from '../../query/query-result.js'
import type { Transport } from '../../transport/transport.js'
import type { QueryParam } from '../../types/value.js'
import { defaultMockRedshiftConfig } from '../mock-config.js'
import { decodeError } from './error-codec.js'
import type { QueryRecorder } from './query-recorder.js'
import {
  assertRecordingFile,
  decodeResult,
  type RecordedExchange,
  type RecordedOp,
  type RecordingFile,
} from './recording-format.js'
import { normalizeParams, normalizeSql } from './recording-redaction.js'
import { ReplayTransport } from './replay-transport.js'

const STATEMENT_OPS: readonly RecordedOp[] = ['execute', 'execute-prepared', 'cursor']

/**
 * Plays back a recording: each statement is answered by the first not-yet-replayed exchange with
 * the same operation, SQL and parameters (compared as the recording stored them, redacted alike),
 * so identical statements are answered in the order they were recorded. A statement the recording
 * does not hold fails clearly, naming it.
 *
 * @example
 * const replayer = await QueryReplayer.load('test/recordings/sales.json')
 * const client = replayer.createClient()        // a RedshiftClient that needs no database
 * const result = await client.executeQuery('SELECT region, SUM(amount) FROM sales GROUP BY region')
 */
export class QueryReplayer {
  readonly #file: RecordingFile
  readonly #used: boolean[]

  private constructor(file: RecordingFile) {
    this.#file = file
    this.#used = file.exchanges.map(() => false)
  }

  /**
   * A replayer of what `recorder` has recorded (a snapshot: later exchanges are not included).
   *
   * @example
   * const replayer = QueryReplayer.fromRecorder(recorder)
   */
  static fromRecorder(recorder: QueryRecorder): QueryReplayer {
    return new QueryReplayer(recorder.toJSON())
  }

  /**
   * A replayer of the recording saved at `path`.
   *
   * @example
   * const replayer = await QueryReplayer.load('test/recordings/sales.json')
   */
  static async load(path: string): Promise<QueryReplayer> {
    const data: unknown = JSON.parse(await readFile(path, 'utf8'))
    return QueryReplayer.fromJSON(data, path)
  }

  /** A replayer of a parsed recording file. */
  static fromJSON(data: unknown, source = 'the recording'): QueryReplayer {
    assertRecordingFile(data, source)
    return new QueryReplayer(data)
  }

  /** Every exchange of the recording. */
  get exchanges(): readonly RecordedExchange[] {
    return this.#file.exchanges
  }

  /** How many exchanges have not been replayed yet. */
  get remaining(): number {
    return this.#used.filter((u) => !u).length
  }

  /**
   * The recorded result of the next not-yet-replayed run of `query` (a statement, a prepared
   * statement's run, or a stream), or `undefined` when the recording holds no more. A run that
   * failed when recorded throws its error again, rebuilt as the same class.
   *
   * @example
   * const result = replayer.nextResponse(new QueryBuilder('SELECT * FROM t WHERE id = $1').param(1n).build())
   */
  nextResponse(query: Query | string): QueryResult | undefined {
    const q = toQuery(query)
    const exchange = this.take(STATEMENT_OPS, q.sql, q.params)
    if (exchange === undefined) return undefined
    if (exchange.error !== undefined) throw decodeError(exchange.error)
    if (exchange.result === undefined) return new QueryResult()
    const r = decodeResult(exchange.result)
    return new QueryResult({ ...r, executionTimeMs: exchange.durationMs })
  }

  /** Replays from the start again. */
  reset(): void {
    this.#used.fill(false)
  }

  /**
   * Takes the next not-yet-replayed exchange of one of `ops` for `sql` and `params`; `undefined`
   * when there is none. (What the replay transport answers with.)
   */
  take(ops: readonly RecordedOp[], sql: string, params: readonly QueryParam[]): RecordedExchange | undefined {
    const redaction = this.#file.redaction
    const wantedSql = normalizeSql(sql, redaction)
    const wantedParams = JSON.stringify(normalizeParams(params, redaction))
    const index = this.#file.exchanges.findIndex(
      (e, i) =>
        !this.#used[i] &&
        ops.includes(e.op) &&
        e.sql === wantedSql &&
        (e.op === 'prepare' || JSON.stringify(e.params) === wantedParams),
    )
    if (index === -1) return undefined
    this.#used[index] = true
    return this.#file.exchanges[index]
  }

  /** The error for a statement the recording does not hold: what was asked, and what it holds. */
  missing(op: RecordedOp, sql: string, params: readonly QueryParam[]): NotFoundError {
    const redaction = this.#file.redaction
    const wanted = normalizeSql(sql, redaction)
    const sameSql = this.#file.exchanges.filter((e) => e.sql === wanted).length
    const left = this.#file.exchanges.filter((_, i) => !this.#used[i])
    const hint =
      sameSql === 0
        ? 'The recording holds no statement with this SQL: record it again with this statement in it.'
        : `The recording holds this SQL ${sameSql} time(s), but with other parameters or another operation, or already replayed.`
    const next = left[0]
    return new NotFoundError(
      `the recording holds no ${op} of this statement: ${wanted} (${params.length} parameter(s)). ${hint} ${left.length} of ${this.#file.exchanges.length} exchanges are not yet replayed${next === undefined ? '' : `; the next is: ${next.op} ${next.sql}`}.`,
      { fault: 'client', metadata: { transport: 'replay' } },
    )
  }

  /**
   * A transport that answers from this recording (for `createClient(config, { transport })`).
   *
   * @example
   * const client = createClient(config, { transport: replayer.transport() })
   */
  transport(): Transport {
    return new ReplayTransport(this)
  }

  /**
   * A real `RedshiftClient` that runs entirely from this recording: the same pipeline (retries,
   * errors, transactions) over a transport that answers from the recorded exchanges.
   *
   * @example
   * const client = replayer.createClient()
   */
  createClient(
    config: RedshiftConfig = defaultMockRedshiftConfig(),
    options: Omit<ClientOptions, 'transport'> = {},
  ): RedshiftClient {
    return createClient(config, { ...options, transport: this.transport() })
  }
}
