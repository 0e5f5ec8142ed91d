/** Statements as the operations return them: DescribeStatement, ListStatements, ExecuteStatement. */
import { epochSeconds } from '../wire-formats.js'
import { durationNs, isDone, type SqlRun, type Statement } from './statement.js'

type Json = Record<string, unknown>

function where(statement: Statement): Json {
  const t = statement.target
  return t.clusterIdentifier === undefined
    ? { WorkgroupName: t.workgroupName }
    : { ClusterIdentifier: t.clusterIdentifier }
}

/** What ExecuteStatement and BatchExecuteStatement answer (Status and the rest once it waited). */
export function submittedView(statement: Statement, waited: boolean): Json {
  const t = statement.target
  const view: Json = {
    Id: statement.id,
    CreatedAt: epochSeconds(statement.createdAt),
    ...where(statement),
    Database: t.database,
    DbUser: t.dbUser,
    ...(t.secretArn === undefined ? {} : { SecretArn: t.secretArn }),
    ...(statement.sessionId === undefined ? {} : { SessionId: statement.sessionId }),
  }
  if (waited) {
    view.Status = statement.status
    if (statement.pid !== 0) view.RedshiftPid = statement.pid
    if (isDone(statement.status)) view.HasResultSet = statement.runs.some((r) => r.hasResultSet)
  }
  return view
}

function runFields(run: SqlRun): Json {
  const done = isDone(run.status)
  return {
    Duration: durationNs(run),
    ...(run.error === undefined ? {} : { Error: run.error }),
    Status: run.status,
    CreatedAt: epochSeconds(run.createdAt),
    UpdatedAt: epochSeconds(run.updatedAt),
    QueryString: run.sql,
    ResultRows: done && run.status === 'FINISHED' ? run.resultRows : -1,
    ResultSize: done && run.status === 'FINISHED' ? run.resultSize : -1,
    RedshiftQueryId: run.queryId,
    HasResultSet: run.hasResultSet,
  }
}

/** DescribeStatement of a statement, or of one SQL of a batch (`<id>:<n>`). */
export function describeView(statement: Statement, run: SqlRun | undefined): Json {
  const t = statement.target
  const common: Json = {
    ...where(statement),
    Database: t.database,
    DbUser: t.dbUser,
    ...(t.secretArn === undefined ? {} : { SecretArn: t.secretArn }),
    RedshiftPid: statement.pid,
    ResultFormat: statement.resultFormat,
    ...(statement.sessionId === undefined ? {} : { SessionId: statement.sessionId }),
    ...(statement.parameters === undefined ? {} : { QueryParameters: statement.parameters }),
  }
  if (run !== undefined || !statement.isBatch) {
    const only = run ?? (statement.runs[0] as SqlRun)
    return {
      Id: run?.id ?? statement.id,
      ...common,
      ...runFields(only),
      Status: run?.status ?? statement.status,
    }
  }
  const first = statement.runs.find((r) => r.startedNs !== undefined)
  const last = [...statement.runs].reverse().find((r) => r.endedNs !== undefined)
  const duration =
    first?.startedNs === undefined
      ? -1
      : Number(
          (isDone(statement.status) ? (last?.endedNs ?? first.startedNs) : process.hrtime.bigint()) -
            first.startedNs,
        )
  return {
    Id: statement.id,
    ...common,
    Duration: duration,
    ...(statement.error === undefined ? {} : { Error: statement.error }),
    Status: statement.status,
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(statement.updatedAt),
    QueryString: statement.runs.map((r) => r.sql).join('; '),
    HasResultSet: statement.runs.some((r) => r.hasResultSet),
    ResultRows: -1,
    ResultSize: -1,
    RedshiftQueryId: 0,
    ExecutionMode: statement.executionMode,
    SubStatements: statement.runs.map((r) => ({ Id: r.id, ...runFields(r) })),
  }
}

/** One entry of ListStatements. */
export function listedView(statement: Statement): Json {
  return {
    Id: statement.id,
    ...(statement.isBatch
      ? { QueryStrings: statement.runs.map((r) => r.sql) }
      : { QueryString: statement.runs[0]?.sql }),
    ...(statement.target.secretArn === undefined ? {} : { SecretArn: statement.target.secretArn }),
    Status: statement.status,
    ...(statement.name === undefined ? {} : { StatementName: statement.name }),
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(statement.updatedAt),
    ...(statement.parameters === undefined ? {} : { QueryParameters: statement.parameters }),
    IsBatchStatement: statement.isBatch,
    ResultFormat: statement.resultFormat,
    ...(statement.sessionId === undefined ? {} : { SessionId: statement.sessionId }),
  }
}
