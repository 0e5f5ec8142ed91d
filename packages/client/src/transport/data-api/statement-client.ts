import type { ExecuteStatementCommandInput } from '@aws-sdk/client-redshift-data'
import { ValidationError } from '../../errors/client-errors.js'
import { leadingKeyword } from '../../types/sql-scan.js'
import type { TypeParsers } from '../../types/type-parsers.js'
import type { QueryParam, Value } from '../../types/value.js'
import type { TransportResult } from '../transport.js'
import { toNamedStatement } from './named-parameters.js'
import { type PageText, pageText } from './page-text.js'
import { fetchPageBody } from './raw-page.js'
import type { DataApiSdk, DataApiTarget } from './sdk-client.js'
import { serviceFailure } from './service-errors.js'
import { awaitStatement, type StatementStops, waitSecondsWithin } from './statement-poll.js'

/** The service's limit on the SQL text of one statement (100 KB). */
export const MAX_SQL_BYTES = 100 * 1024

/** Statements that return rows (a first page is worth asking for while they run). */
const RESULT_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'SHOW', 'TABLE'])

/** BatchExecuteStatement's limit on the statements of one call. */
export const MAX_BATCH_STATEMENTS = 40

/** How a statement is sent: on its own, or in a Data API session. */
export type SessionMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'open'; readonly keepAliveSeconds: number }
  | { readonly kind: 'in'; readonly sessionId: string }

/** Result pages: typed `Field` records (GetStatementResult) or CSV text (GetStatementResultV2). */
export type PageFormat = 'json' | 'csv'

/** A submitted statement that finished. */
export interface FinishedStatement {
  readonly id: string
  readonly sessionId: string | undefined
  readonly hasResultSet: boolean
  readonly resultRows: number
  readonly redshiftQueryId: number
  readonly format: PageFormat
}

/** Refuses SQL over the service's 100 KB before any call is made. */
function assertSize(sql: string): void {
  const bytes = Buffer.byteLength(sql)
  if (bytes > MAX_SQL_BYTES) {
    throw new ValidationError('the statement is too long for the Data API', {
      problems: [
        {
          field: 'sql',
          message: `is ${bytes} bytes; the Data API takes at most ${MAX_SQL_BYTES} (100 KB). Use parameters instead of inlined values, or the wire transport`,
        },
      ],
    })
  }
}

/**
 * Runs statements on the Data API: ExecuteStatement (named parameters, session or not), the
 * adaptive DescribeStatement poll, and result pages decoded by the client's type parsers.
 */
export class StatementClient {
  readonly #api: DataApiSdk
  readonly #target: DataApiTarget
  readonly #parsers: TypeParsers

  constructor(api: DataApiSdk, target: DataApiTarget, parsers: TypeParsers) {
    this.#api = api
    this.#target = target
    this.#parsers = parsers
  }

  get api(): DataApiSdk {
    return this.#api
  }

  /** Submits `sql` and returns its statement id (and session id) as soon as the service has it. */
  async submit(
    sql: string,
    params: readonly QueryParam[],
    session: SessionMode,
    format: PageFormat = 'json',
  ): Promise<{ id: string; sessionId: string | undefined }> {
    assertSize(sql)
    const named = toNamedStatement(sql, params)
    assertSize(named.sql)
    const input: ExecuteStatementCommandInput = {
      Sql: named.sql,
      ...(named.parameters.length === 0 ? {} : { Parameters: named.parameters.map((p) => ({ ...p })) }),
      ...(session.kind === 'in' ? { SessionId: session.sessionId } : this.#target),
      ...(session.kind === 'open' ? { SessionKeepAliveSeconds: session.keepAliveSeconds } : {}),
      ...(format === 'csv' ? { ResultFormat: 'CSV' as const } : {}),
    }
    try {
      const out = await this.#api.client.send(new this.#api.sdk.ExecuteStatementCommand(input))
      return {
        id: out.Id as string,
        sessionId: out.SessionId ?? (session.kind === 'in' ? session.sessionId : undefined),
      }
    } catch (error) {
      throw serviceFailure(error, 'ExecuteStatement')
    }
  }

  /** Polls until the statement ends (see {@link awaitStatement}). */
  async finish(
    submitted: { id: string; sessionId: string | undefined },
    sql: string,
    stops: StatementStops,
    format: PageFormat = 'json',
  ): Promise<FinishedStatement> {
    const described = await awaitStatement(this.#api, submitted.id, sql, stops)
    return {
      id: submitted.id,
      sessionId: submitted.sessionId,
      hasResultSet: described.HasResultSet === true,
      resultRows: described.ResultRows ?? -1,
      redshiftQueryId: described.RedshiftQueryId ?? 0,
      format,
    }
  }

  /**
   * One page of a finished statement's result, kept as text and decoded as its rows are taken.
   * `first`: the result's first page (a CSV one starts with the column names). `reuse`: a cursor's
   * abort signal, and memory to read the page into and to get back once the page has been read.
   */
  async page(
    statement: FinishedStatement,
    nextToken: string | undefined,
    first: boolean,
    reuse?: { readonly signal?: AbortSignal; readonly into?: Buffer; readonly release: (b: Buffer) => void },
  ): Promise<PageText> {
    const input = { Id: statement.id, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }
    let body: Buffer
    try {
      body = await fetchPageBody(this.#api, statement.format, input, reuse?.signal, reuse?.into)
    } catch (error) {
      throw serviceFailure(
        error,
        statement.format === 'csv' ? 'GetStatementResultV2' : 'GetStatementResult',
        statement.id,
      )
    }
    return pageText(body, statement.format, this.#parsers, first, reuse?.release)
  }

  /** The whole result of a finished statement, every page read. */
  async result(
    statement: FinishedStatement,
    sql: string,
    early?: Promise<PageText | undefined>,
  ): Promise<TransportResult> {
    const command = leadingKeyword(sql).toUpperCase()
    const queryId = statement.redshiftQueryId > 0 ? String(statement.redshiftQueryId) : statement.id
    if (!statement.hasResultSet) {
      return { columns: [], rows: [], rowsAffected: Math.max(0, statement.resultRows), command, queryId }
    }
    let page = (await early) ?? (await this.page(statement, undefined, true))
    const columns = page.columns
    const rows: Value[][] = page.take(Number.POSITIVE_INFINITY)
    while (page.nextToken !== undefined) {
      page = await this.page(statement, page.nextToken, false)
      for (const row of page.take(Number.POSITIVE_INFINITY)) rows.push(row)
    }
    return { columns, rows, rowsAffected: rows.length, command, queryId }
  }

  /**
   * Runs `sqls` as one BatchExecuteStatement (the service runs them in one transaction, all or
   * nothing) and returns each statement's rows affected and Redshift query id.
   */
  async batch(
    sqls: readonly string[],
    stops: StatementStops,
  ): Promise<{ readonly rowsAffected: number; readonly queryId: string }[]> {
    if (sqls.length > MAX_BATCH_STATEMENTS) {
      throw new ValidationError('the batch has too many statements for the Data API', {
        problems: [
          {
            field: 'sqls',
            message: `has ${sqls.length} statements; BatchExecuteStatement takes at most ${MAX_BATCH_STATEMENTS}`,
          },
        ],
      })
    }
    for (const sql of sqls) assertSize(sql)
    let id: string
    try {
      const out = await this.#api.client.send(
        new this.#api.sdk.BatchExecuteStatementCommand({ Sqls: [...sqls], ...this.#target }),
      )
      id = out.Id as string
    } catch (error) {
      throw serviceFailure(error, 'BatchExecuteStatement')
    }
    const described = await awaitStatement(this.#api, id, sqls.join(';\n'), stops)
    return (described.SubStatements ?? []).map((sub) => ({
      rowsAffected: Math.max(0, sub.ResultRows ?? 0),
      queryId:
        sub.RedshiftQueryId !== undefined && sub.RedshiftQueryId > 0
          ? String(sub.RedshiftQueryId)
          : (sub.Id ?? id),
    }))
  }

  /** Submits, polls and reads one statement. */
  async run(
    sql: string,
    params: readonly QueryParam[],
    session: SessionMode,
    stops: StatementStops,
    onSubmitted?: (id: string, sessionId: string | undefined) => void,
  ): Promise<TransportResult & { readonly sessionId: string | undefined }> {
    const submitted = await this.submit(sql, params, session)
    onSubmitted?.(submitted.id, submitted.sessionId)
    // A query's first page is asked for at once, waiting on the service alongside the poll: both
    // answer when the statement ends, so a short query takes two round trips after its submission,
    // not three. Anything else (no result set, a failure, a wait too short) reads it as before.
    const early = RESULT_KEYWORDS.has(leadingKeyword(sql).toUpperCase())
      ? this.#earlyPage(submitted.id, stops)
      : undefined
    try {
      const finished = await this.finish(submitted, sql, stops)
      return { ...(await this.result(finished, sql, early?.page)), sessionId: finished.sessionId }
    } finally {
      early?.stop.abort()
    }
  }

  /** The first JSON page of a statement still running, waited for on the service; undefined on any failure. */
  #earlyPage(
    id: string,
    stops: StatementStops,
  ): { readonly page: Promise<PageText | undefined>; readonly stop: AbortController } | undefined {
    const waitSeconds = waitSecondsWithin(stops.timeoutMs)
    if (waitSeconds === 0) return undefined
    const stop = new AbortController()
    const input = { Id: id, WaitTimeSeconds: waitSeconds }
    const page = fetchPageBody(this.#api, 'json', input, stop.signal).then(
      (body) => pageText(body, 'json', this.#parsers, true),
      () => undefined,
    )
    return { page, stop }
  }
}
