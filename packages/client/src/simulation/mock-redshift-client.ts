import { RedshiftClient } from '../client.js'
import type { RedshiftClientApi } from '../client-api.js'
import type { TableRef } from '../data/table-ref.js'
import { ValidationError } from '../errors/client-errors.js'
import { describeExecuted, type ExecutedQuery, MockAssertionError } from './executed-query.js'
import type { InjectedResult } from './injected-result.js'
import { latencyRange } from './latency.js'
import { type MockConfig, resolveMockConfig } from './mock-config.js'
import {
  type MockCopyResponse,
  type MockResponse,
  MockServer,
  type MockUnloadResponse,
} from './mock-server.js'
import { MockTransport } from './mock-transport.js'
import { compilePattern, matches, type SqlPattern } from './sql-pattern.js'
import {
  type MockColumn,
  type MockRow,
  mockTableRef,
  rowsForTable,
  tableKey,
  tableSpec,
} from './table-spec.js'

/**
 * A `RedshiftClient` for tests, without a database. It is the real client over a simulated
 * transport, so every client method works, through the same pipeline: connection failures are
 * retried, errors are classified, transactions commit and roll back, exactly as in production.
 * Configure what the "server" answers (responses by regular expression, COPY and UNLOAD results,
 * tables queried with real SQL), what goes wrong (errors, sequences, latency), then inspect what
 * was executed.
 *
 * @example
 * const mock = new MockRedshiftClient()
 * mock.setQueryResponse('SELECT.*FROM sales.*', new QueryResult({
 *   columns: [new ColumnMetadata('total', DataType.BigInt)],
 *   rows: [[1_000_000n]],
 * }))
 * const result = await mock.executeQuery(new QueryBuilder('SELECT SUM(amount) as total FROM sales').build())
 * result.rows[0]?.get(0)                      // 1000000n
 * mock.assertQueryExecuted('SELECT.*FROM sales.*')
 */
export class MockRedshiftClient extends RedshiftClient implements RedshiftClientApi {
  readonly #server: MockServer

  constructor(options: MockConfig = {}) {
    const resolved = resolveMockConfig(options)
    const server = new MockServer({
      random: resolved.random,
      lockWaitMs: resolved.lockWaitMs,
      engine: resolved.engine,
    })
    const c = resolved.config
    const transport = new MockTransport(server, {
      host: c.endpoint.host ?? 'mock.redshift.local',
      port: c.endpoint.port,
      database: c.endpoint.database,
      poolSize: c.poolSize,
      minConnections: c.minConnections,
    })
    super(c, {
      transport,
      ...(resolved.wrapTransport === undefined ? {} : { wrapTransport: resolved.wrapTransport }),
    })
    this.#server = server
    if (resolved.latencyMs > 0) server.setLatency(latencyRange(resolved.latencyMs, resolved.latencyMs))
  }

  /**
   * Creates a table that statements can then read and write with real SQL (filters, joins,
   * aggregates, ORDER BY, INSERT/UPDATE/DELETE), on an in-process PostgreSQL started on first use.
   * Columns report the Redshift types declared here, and values come back as the real client returns
   * them. Synchronous: the table exists from the next statement on.
   *
   * @example
   * mock.createTable(new TableRef('analytics', 'sales'), [
   *   new ColumnMetadata('region', 'VARCHAR', { length: 32 }),
   *   new ColumnMetadata('amount', 'DECIMAL', { precision: 12, scale: 2 }),
   * ])
   */
  createTable(table: TableRef | string, columns: readonly MockColumn[]): this {
    this.#server.engine.createTable(tableSpec(table, columns))
    return this
  }

  /**
   * Adds rows to a table made with {@link MockRedshiftClient.createTable}: arrays of values in column
   * order, `{ column: value }` objects (missing columns are NULL) or `Row`s. Values are checked
   * against the column types now (BIGINT takes a `bigint`, DECIMAL a `string`, TIMESTAMP a `Date`).
   *
   * @example
   * mock.insertRows('analytics.sales', [['emea', '10.50'], { region: 'apac', amount: '7.25' }])
   */
  insertRows(table: TableRef | string, rows: readonly MockRow[]): this {
    const spec = this.#table(table, 'insertRows')
    this.#server.engine.insertRows(spec, rowsForTable(spec, rows))
    return this
  }

  /**
   * Deletes every row of a mock table.
   *
   * @example
   * mock.clearTable('analytics.sales')
   */
  clearTable(table: TableRef | string): this {
    this.#server.engine.clearTable(this.#table(table, 'clearTable'))
    return this
  }

  /**
   * Applies pending table setup now (the engine starts on first use, which takes a moment), so a
   * setup mistake fails here rather than in the first statement. Optional.
   *
   * @example
   * mock.createTable('t', [new ColumnMetadata('id', 'BIGINT')]).insertRows('t', [[1n]])
   * await mock.ready()
   */
  ready(): Promise<void> {
    return this.#server.engine.ready()
  }

  /**
   * Answers statements matching `pattern` (a regular expression: text is searched case-insensitively
   * anywhere in the statement) with `result`: a `QueryResult`, its fields, or a function of the call
   * that returns one (or throws). The most recently set matching pattern wins. Values are checked
   * against the column types, as the real client would return them.
   *
   * @example
   * mock.setQueryResponse(/^SELECT .* FROM users WHERE id = \$1/i, ({ params }) =>
   *   new QueryResult({ columns: [new ColumnMetadata('id', 'BIGINT')], rows: [[params[0] as bigint]] }))
   */
  setQueryResponse(pattern: SqlPattern, result: MockResponse): this {
    this.#server.setQueryResponse(pattern, result)
    return this
  }

  /**
   * What a `COPY` into `table` does (`copyFromS3`, `copyFromDynamoDb`): rows loaded, rows skipped and
   * their STL_LOAD_ERRORS rows. A table given without schema matches it in any schema.
   *
   * @example
   * mock.setCopyResponse(new TableRef('analytics', 'daily_events'), { rowsLoaded: 1000, errors: 2 })
   */
  setCopyResponse(table: TableRef | string, result: MockCopyResponse): this {
    this.#server.setCopyResponse(mockTableRef(table), result)
    return this
  }

  /**
   * What an `UNLOAD` to an S3 location starting with `prefix` (`'reports/2024/'`, or a full
   * `'s3://bucket/reports/'`) does: rows written and files.
   *
   * @example
   * mock.setUnloadResponse('monthly/', { rowsUnloaded: 500, filesCreated: 2 })
   */
  setUnloadResponse(prefix: string, result: MockUnloadResponse): this {
    this.#server.setUnloadResponse(prefix, result)
    return this
  }

  /**
   * Makes every statement matching `pattern` fail with `error` (until `reset()`); injected errors win
   * over responses, the newest first.
   *
   * @example
   * mock.injectError('FROM payments', new PermissionDeniedError('permission denied for relation payments'))
   */
  injectError(pattern: SqlPattern, error: unknown): this {
    this.#server.injectError(pattern, error)
    return this
  }

  /**
   * Plans the next outcomes of statements matching `pattern`, one per statement, in order; once they
   * are used up, matching statements are answered as if the sequence had not been set.
   *
   * @example
   * mock.injectErrorSequence('SELECT 1', [
   *   InjectedResult.error(new ConnectionFailedError('timeout')),
   *   InjectedResult.success(QueryResult.singleValue(1)),
   * ])
   */
  injectErrorSequence(pattern: SqlPattern, results: readonly InjectedResult[]): this {
    this.#server.injectErrorSequence(pattern, results)
    return this
  }

  /**
   * Makes every statement take `ms` of simulated server time. A statement whose timeout is shorter
   * fails with `QueryTimeoutError` when the timeout passes; an aborted `signal` or `cancelQuery`
   * ends it at once with `QueryCancelledError`.
   *
   * @example
   * mock.setLatency(50)
   */
  setLatency(ms: number): this {
    this.#server.setLatency(latencyRange(ms, ms))
    return this
  }

  /**
   * Makes every statement take a time drawn uniformly between `minMs` and `maxMs`.
   *
   * @example
   * mock.setLatencyRange(10, 100)
   */
  setLatencyRange(minMs: number, maxMs: number): this {
    this.#server.setLatency(latencyRange(minMs, maxMs))
    return this
  }

  /**
   * Every statement received, in order: SQL, parameters, session, start time, duration, outcome,
   * error. Retries appear once per attempt, and transaction control (BEGIN, COMMIT, ROLLBACK) as the
   * statements it is; `prepare()` is not an execution and does not appear.
   *
   * @example
   * const failed = mock.getExecutedQueries().filter((q) => q.outcome === 'failed')
   */
  getExecutedQueries(): ExecutedQuery[] {
    return this.#server.log.list()
  }

  /**
   * How many statements were received (see {@link MockRedshiftClient.getExecutedQueries}).
   *
   * @example
   * expect(mock.getQueryCount()).toBe(3)
   */
  getQueryCount(): number {
    return this.#server.log.size
  }

  /** Forgets the statements received so far (responses and tables stay). */
  clearExecutedQueries(): void {
    this.#server.log.clear()
  }

  /**
   * Throws a `MockAssertionError` unless a statement matching `pattern` was executed (exactly `times`
   * times, when given). The message lists what was executed instead.
   *
   * @example
   * mock.assertQueryExecuted('SELECT.*FROM sales.*')
   * mock.assertQueryExecuted(/^INSERT INTO audit/i, 2)
   */
  assertQueryExecuted(pattern: SqlPattern, times?: number): void {
    const compiled = compilePattern(pattern)
    const executed = this.getExecutedQueries()
    const count = executed.filter((q) => matches(compiled, q.sql)).length
    if (times === undefined ? count > 0 : count === times) return
    const expected = times === undefined ? 'a statement' : `${times} statement${times === 1 ? '' : 's'}`
    throw new MockAssertionError(
      `expected ${expected} matching ${compiled.shown} to have been executed, but ${count === 0 ? 'none was' : `${count} ${count === 1 ? 'was' : 'were'}`}. Executed (${executed.length}):\n${describeExecuted(executed)}`,
    )
  }

  /**
   * Throws a `MockAssertionError` if a statement matching `pattern` was executed.
   *
   * @example
   * mock.assertQueryNotExecuted(/^DELETE/i)
   */
  assertQueryNotExecuted(pattern: SqlPattern): void {
    const compiled = compilePattern(pattern)
    const executed = this.getExecutedQueries()
    const found = executed.filter((q) => matches(compiled, q.sql))
    if (found.length === 0) return
    throw new MockAssertionError(
      `expected no statement matching ${compiled.shown} to have been executed, but ${found.length} ${found.length === 1 ? 'was' : 'were'}:\n${describeExecuted(found)}`,
    )
  }

  /**
   * Throws a `MockAssertionError` unless exactly `expected` statements were executed.
   *
   * @example
   * mock.assertQueryCount(3)
   */
  assertQueryCount(expected: number): void {
    const executed = this.getExecutedQueries()
    if (executed.length === expected) return
    throw new MockAssertionError(
      `expected ${expected} statement${expected === 1 ? '' : 's'} to have been executed, but ${executed.length} ${executed.length === 1 ? 'was' : 'were'}:\n${describeExecuted(executed)}`,
    )
  }

  /**
   * Throws a `MockAssertionError` if any statement was executed.
   *
   * @example
   * mock.assertNoQueriesExecuted()
   */
  assertNoQueriesExecuted(): void {
    const executed = this.getExecutedQueries()
    if (executed.length === 0) return
    throw new MockAssertionError(
      `expected no statements to have been executed, but ${executed.length} ${executed.length === 1 ? 'was' : 'were'}:\n${describeExecuted(executed)}`,
    )
  }

  /**
   * Back to a fresh mock: responses, injected errors, latency, COPY/UNLOAD responses, tables and the
   * statement log are all cleared. The client itself stays open.
   *
   * @example
   * afterEach(() => mock.reset())
   */
  reset(): void {
    this.#server.reset()
  }

  #table(table: TableRef | string, method: string) {
    const ref = mockTableRef(table)
    const spec = this.#server.engine.table(tableKey(ref))
    if (spec === undefined) {
      throw new ValidationError(`${method}: table ${ref.toSql()} does not exist in the mock`, {
        problems: [{ field: 'table', message: 'create it first with mock.createTable(table, columns)' }],
      })
    }
    return spec
  }
}
