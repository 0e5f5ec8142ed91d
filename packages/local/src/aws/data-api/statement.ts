/** A statement the Data API runs: its state as DescribeStatement and ListStatements report it. */
import type { ConnectionTarget } from './connection-target.js'
import type { SqlParameter } from './inputs.js'
import type { ResultFormat, StoredResult } from './result-set.js'

/** The statuses of a statement. */
export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'ABORTED' | 'FAILED'

/** Whether a status is final. */
export function isDone(status: StatementStatus): boolean {
  return status === 'FINISHED' || status === 'ABORTED' || status === 'FAILED'
}

/** One SQL statement's run (a batch has one per SQL, ids `<id>:<n>`). */
export interface SqlRun {
  readonly id: string
  readonly sql: string
  status: StatementStatus
  readonly createdAt: Date
  updatedAt: Date
  /** process.hrtime.bigint() at start and end. */
  startedNs?: bigint
  endedNs?: bigint
  error?: string
  queryId: number
  resultRows: number
  resultSize: number
  hasResultSet: boolean
  result?: StoredResult
}

/** An ExecuteStatement or BatchExecuteStatement request and its runs. */
export interface Statement {
  readonly id: string
  /** Order of submission (listing pages by it stay stable while statements are added). */
  readonly seq: number
  /** The caller: its ARN, and what RoleLevel groups by (the role for an assumed role, else the ARN). */
  readonly principalArn: string
  readonly roleKey: string
  readonly name?: string
  readonly isBatch: boolean
  readonly runs: readonly SqlRun[]
  readonly parameters?: readonly SqlParameter[]
  readonly target: ConnectionTarget
  readonly resultFormat: ResultFormat
  readonly executionMode: 'TRANSACTION' | 'AUTO_COMMIT'
  readonly withEvent: boolean
  sessionId?: string
  readonly createdAt: Date
  status: StatementStatus
  updatedAt: Date
  error?: string | undefined
  pid: number
  /** Set while it runs: cancels what runs now. */
  cancel?: (() => Promise<void>) | undefined
  cancelRequested: boolean
  /** Settles when the statement is done. */
  readonly done: Promise<void>
}

/** Duration in nanoseconds, or -1 while it has not run. */
export function durationNs(run: Pick<SqlRun, 'startedNs' | 'endedNs'>): number {
  if (run.startedNs === undefined) return -1
  const end = run.endedNs ?? process.hrtime.bigint()
  return Number(end - run.startedNs)
}
