/**
 * The Redshift Data API (`redshift-data`, AWS JSON 1.1, `X-Amz-Target: RedshiftData.<Operation>`):
 * statements submitted over HTTP and run asynchronously through the wire gateway, their statuses,
 * results kept for their retention time, sessions, the catalog listings, and WithEvent events.
 */
import { randomUUID } from 'node:crypto'
import { AwsApiError } from '../aws-api-error.js'
import type { AwsCall, AwsContext } from '../aws-context.js'
import type { JsonInput } from '../json-services.js'
import type { HttpReply } from '../wire-formats.js'
import { catalogOperation } from './catalog-operations.js'
import { resolveTarget } from './connection-target.js'
import { activeStatementsExceeded, errorBody, validationError } from './errors.js'
import { type DataApiEvent, EventLog, statementEvent } from './event-log.js'
import { GatewayConnection } from './gateway-connection.js'
import { optionalBool, optionalEnum, optionalInt, optionalString, statementId } from './inputs.js'
import type { ResolvedDataApiOptions } from './options.js'
import { decodeToken, encodeToken } from './paging.js'
import { getStatementResult } from './result-operations.js'
import { listSessions } from './session-views.js'
import { type DataApiSession, SessionStore } from './sessions.js'
import { SpillSpace } from './spill-space.js'
import { isDone, type SqlRun, type Statement, type StatementStatus } from './statement.js'
import { runStatement } from './statement-runner.js'
import { StatementStore } from './statement-store.js'
import { describeView, listedView, submittedView } from './statement-views.js'
import { fingerprint, readSubmission, type Submission } from './submit.js'

const STATUSES = ['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'ABORTED', 'FAILED', 'ALL'] as const

/** The roles of assumed-role sessions are grouped by role for ListStatements' RoleLevel. */
function roleKey(call: AwsCall): string {
  return call.principal.kind === 'assumed-role' ? call.principal.roleArn : call.principal.arn
}

/** Resolves after `seconds`, or when `done` settles. */
function waitFor(done: Promise<void>, seconds: number | undefined): Promise<void> {
  if (seconds === undefined || seconds === 0) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000)
    void done.then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** A reply of the Data API: JSON 1.1, errors with the members the SDKs read. */
function reply(status: number, body: string | Buffer, requestId: string, errorType?: string): HttpReply {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
    },
    body,
  }
}

/** The Data API of one endpoint. */
export class DataApiService {
  readonly #ctx: AwsContext
  readonly #options: ResolvedDataApiOptions
  readonly #statements: StatementStore
  readonly #sessions: SessionStore
  readonly #space: SpillSpace
  readonly #events: EventLog
  readonly #running = new Set<Promise<void>>()
  #seq = 0
  #stopped = false

  constructor(ctx: AwsContext, options: ResolvedDataApiOptions) {
    this.#ctx = ctx
    this.#options = options
    this.#statements = new StatementStore(options.retentionSeconds * 1000, 10_000)
    this.#sessions = new SessionStore(options.maxActiveSessions, ctx.log)
    this.#space = new SpillSpace(options.resultMemoryBytes)
    this.#events = new EventLog(options.eventLogFile, ctx.log)
  }

  /** The WithEvent events so far, oldest first. */
  events(): readonly DataApiEvent[] {
    return this.#events.list()
  }

  /** Runs one operation; service errors become the service's error replies. */
  async handle(operation: string, input: JsonInput, call: AwsCall): Promise<HttpReply> {
    try {
      for (const s of this.#statements.sweep()) for (const r of s.runs) void r.result?.dispose()
      const result = await this.#operation(operation, input, call)
      return reply(200, result instanceof Buffer ? result : JSON.stringify(result), call.requestId)
    } catch (error) {
      if (!(error instanceof AwsApiError)) throw error
      this.#ctx.log(`[aws] redshift-data ${operation} ${error.code}: ${error.message}`)
      return reply(error.status, JSON.stringify(errorBody(error)), call.requestId, error.code)
    }
  }

  #operation(operation: string, input: JsonInput, call: AwsCall): Promise<unknown> | unknown {
    switch (operation) {
      case 'ExecuteStatement':
        return this.#submit(readSubmission(input, false), input, call)
      case 'BatchExecuteStatement':
        return this.#submit(readSubmission(input, true), input, call)
      case 'DescribeStatement':
        return this.#describe(input)
      case 'CancelStatement':
        return this.#cancel(input)
      case 'ListStatements':
        return this.#list(input, call)
      case 'GetStatementResult':
        return getStatementResult(this.#statements, input, 'JSON')
      case 'GetStatementResultV2':
        return getStatementResult(this.#statements, input, 'CSV')
      case 'ListSessions':
        return listSessions(this.#sessions.list(), input, call)
      case 'ListDatabases':
      case 'ListSchemas':
      case 'ListTables':
      case 'DescribeTable':
        return catalogOperation(this.#ctx, operation, input, call)
      default:
        throw new AwsApiError(
          'UnknownOperationException',
          `Operation ${operation} is not supported by this endpoint's redshift-data.`,
        )
    }
  }

  async #submit(sub: Submission, input: JsonInput, call: AwsCall): Promise<unknown> {
    const principalArn = call.principal.arn
    const print = sub.clientToken === undefined ? '' : fingerprint(input)
    if (sub.clientToken !== undefined) {
      const earlier = this.#statements.replay(principalArn, sub.clientToken, print)
      if (earlier !== undefined) return submittedView(earlier, sub.waitSeconds !== undefined)
    }
    if (this.#statements.activeCount() >= this.#options.maxActiveStatements) {
      throw activeStatementsExceeded(this.#options.maxActiveStatements)
    }
    const id = randomUUID()
    let session: DataApiSession | undefined
    if (sub.sessionId !== undefined) {
      for (const member of ['ClusterIdentifier', 'WorkgroupName', 'SecretArn', 'DbUser', 'Database']) {
        if (input[member] !== undefined) {
          throw validationError(
            `A statement in a session (SessionId) runs where the session does: leave out ${member}.`,
          )
        }
      }
      session = this.#sessions.acquire(sub.sessionId, principalArn, id, sub.keepAliveSeconds)
    }
    let target: Statement['target']
    try {
      target =
        session?.target ?? (await resolveTarget(this.#ctx, input, call, optionalString(input, 'Database')))
    } catch (error) {
      if (session !== undefined) this.#sessions.release(session, false)
      throw error
    }
    if (session === undefined && (sub.keepAliveSeconds ?? 0) > 0) this.#sessions.checkCapacity()
    const now = new Date()
    let settle: () => void = () => undefined
    const done = new Promise<void>((resolve) => {
      settle = resolve
    })
    const runs: SqlRun[] = sub.sqls.map((sql, i) => ({
      id: sub.isBatch ? `${id}:${i + 1}` : id,
      sql,
      status: 'SUBMITTED',
      createdAt: now,
      updatedAt: now,
      queryId: 0,
      resultRows: -1,
      resultSize: -1,
      hasResultSet: false,
    }))
    const statement: Statement = {
      id,
      seq: ++this.#seq,
      principalArn,
      roleKey: roleKey(call),
      ...(sub.name === undefined ? {} : { name: sub.name }),
      isBatch: sub.isBatch,
      runs,
      ...(sub.parameters === undefined ? {} : { parameters: sub.parameters }),
      target,
      resultFormat: sub.resultFormat,
      executionMode: sub.executionMode,
      withEvent: sub.withEvent,
      ...(session === undefined ? {} : { sessionId: session.id }),
      createdAt: now,
      status: 'SUBMITTED',
      updatedAt: now,
      pid: 0,
      cancelRequested: false,
      done,
    }
    let connection: Promise<GatewayConnection>
    if (session !== undefined) {
      connection = session.connection
    } else {
      connection = GatewayConnection.open(this.#ctx.wire, target)
      if ((sub.keepAliveSeconds ?? 0) > 0) {
        session = this.#sessions.open(principalArn, target, connection, sub.keepAliveSeconds as number, id)
        statement.sessionId = session.id
      }
    }
    // A failed login is the statement's failure, reported by DescribeStatement.
    connection.catch(() => undefined)
    this.#statements.add(statement)
    if (sub.clientToken !== undefined) this.#statements.remember(principalArn, sub.clientToken, print, id)
    this.#ctx.log(
      `[aws] redshift-data ${sub.isBatch ? 'BatchExecuteStatement' : 'ExecuteStatement'} ${id} as ${target.login}`,
    )
    const running = this.#execute(statement, sub, connection, session).finally(() => {
      this.#running.delete(running)
      settle()
    })
    this.#running.add(running)
    await waitFor(done, sub.waitSeconds)
    return submittedView(statement, sub.waitSeconds !== undefined)
  }

  async #execute(
    statement: Statement,
    sub: Submission,
    connecting: Promise<GatewayConnection>,
    session: DataApiSession | undefined,
  ): Promise<void> {
    let connection: GatewayConnection | undefined
    try {
      connection = await connecting
    } catch (error) {
      const message = `ERROR: ${error instanceof Error ? error.message : String(error)}`
      for (const run of statement.runs) {
        run.status = statement.runs[0] === run ? 'FAILED' : 'ABORTED'
        if (run.status === 'FAILED') run.error = message
      }
      this.#finish(statement, 'FAILED', message)
      if (session !== undefined) this.#sessions.release(session, true)
      return
    }
    statement.status = 'PICKED'
    for (const run of statement.runs) run.status = 'PICKED'
    statement.updatedAt = new Date()
    await runStatement(statement, sub.bound, connection, {
      limits: {
        pageBytes: this.#options.pageBytes,
        maxResultBytes: this.#options.maxResultBytes,
        maxRowBytes: 64 * 1024,
        memoryBytesPerResult: Math.max(1, Math.floor(this.#options.resultMemoryBytes / 4)),
      },
      space: this.#space,
    })
    if (session !== undefined) this.#sessions.release(session, false)
    else await connection.close()
    this.#finish(statement, statement.status, statement.error)
  }

  #finish(statement: Statement, status: StatementStatus, error: string | undefined): void {
    statement.status = status
    if (error !== undefined) statement.error = error
    statement.updatedAt = new Date()
    if (this.#stopped) {
      for (const r of statement.runs) void r.result?.dispose()
    }
    this.#ctx.log(`[aws] redshift-data ${statement.id} ${status}`)
    if (!statement.withEvent || (status !== 'FINISHED' && status !== 'FAILED' && status !== 'ABORTED')) return
    const { region, accountId } = this.#ctx.options
    const t = statement.target
    const last = statement.runs[statement.runs.length - 1]
    this.#events.record(
      statementEvent({
        account: accountId,
        region,
        resource:
          t.clusterIdentifier === undefined
            ? `arn:aws:redshift-serverless:${region}:${accountId}:workgroup/${t.workgroupName}`
            : `arn:aws:redshift:${region}:${accountId}:cluster:${t.clusterIdentifier}`,
        principal: statement.principalArn,
        statementName: statement.name,
        statementId: statement.id,
        redshiftQueryId: statement.isBatch ? 0 : (last?.queryId ?? 0),
        state: status,
        rows: statement.runs.reduce((n, r) => n + Math.max(0, r.resultRows), 0),
        expireAt: new Date(statement.createdAt.getTime() + this.#options.retentionSeconds * 1000),
        now: statement.updatedAt,
      }),
    )
  }

  async #describe(input: JsonInput): Promise<unknown> {
    const id = statementId(input)
    const waitSeconds = optionalInt(input, 'WaitTimeSeconds', 0, 30)
    const { statement, run } = this.#statements.find(id)
    await waitFor(statement.done, isDone(statement.status) ? undefined : waitSeconds)
    return describeView(statement, run)
  }

  async #cancel(input: JsonInput): Promise<unknown> {
    const id = statementId(input)
    const { statement } = this.#statements.find(id)
    if (isDone(statement.status)) {
      throw validationError(
        `Could not cancel a query that is already in ${statement.status} state with ID: ${id}`,
      )
    }
    statement.cancelRequested = true
    await statement.cancel?.()
    // The engine answers a cancel within moments: report the settled status when it does.
    await waitFor(statement.done, 2)
    return { Status: true }
  }

  #list(input: JsonInput, call: AwsCall): unknown {
    const max = optionalInt(input, 'MaxResults', 0, 100)
    const token = optionalString(input, 'NextToken')
    const name = optionalString(input, 'StatementName', 2048)
    const status = optionalEnum(input, 'Status', STATUSES) ?? 'FINISHED'
    const roleLevel = optionalBool(input, 'RoleLevel') ?? true
    const database = optionalString(input, 'Database')
    const cluster = optionalString(input, 'ClusterIdentifier')
    const workgroup = optionalString(input, 'WorkgroupName')
    if (cluster !== undefined && workgroup !== undefined) {
      throw validationError('Give either ClusterIdentifier or WorkgroupName, not both.')
    }
    const scope = JSON.stringify(['ListStatements', name, status, roleLevel, database, cluster, workgroup])
    const before = decodeToken(token, scope) || Number.MAX_SAFE_INTEGER
    const me = roleLevel ? roleKey(call) : call.principal.arn
    const matching = this.#statements
      .newestFirst()
      .filter(
        (s) =>
          s.seq < before &&
          (roleLevel ? s.roleKey : s.principalArn) === me &&
          (status === 'ALL' || s.status === status) &&
          (name === undefined || (s.name ?? '').startsWith(name)) &&
          (database === undefined || s.target.database === database) &&
          (cluster === undefined || s.target.clusterIdentifier === cluster) &&
          (workgroup === undefined || s.target.workgroupName === workgroup),
      )
    const size = max === undefined || max === 0 ? 100 : max
    const page = matching.slice(0, size)
    const last = page[page.length - 1]
    return {
      Statements: page.map(listedView),
      ...(matching.length > size && last !== undefined ? { NextToken: encodeToken(scope, last.seq) } : {}),
    }
  }

  /** Cancels what runs, closes sessions, frees results. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const s of this.#statements.all()) {
      if (!isDone(s.status)) {
        s.cancelRequested = true
        await s.cancel?.()
      }
    }
    // A statement still queued in WLM ends when the gateway closes its connection, after this.
    await Promise.race([
      Promise.all([...this.#running]),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ])
    await this.#sessions.closeAll()
    for (const s of this.#statements.all()) for (const r of s.runs) await r.result?.dispose()
    await this.#events.flushed()
    this.#space.dispose()
  }
}
