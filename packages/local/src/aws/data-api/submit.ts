/**
 * Reading ExecuteStatement and BatchExecuteStatement requests: the SQL (100 KB at most, one
 * statement per SQL), the batch (1 to 40), the parameters bound to positions, and the options.
 */
import { splitStatements } from '@redshift-kit/dialect'
import type { JsonInput } from '../json-services.js'
import { validationError } from './errors.js'
import {
  optionalBool,
  optionalEnum,
  optionalInt,
  optionalString,
  requiredString,
  type SqlParameter,
  sessionId,
  sqlParameters,
} from './inputs.js'
import { type BoundSql, bindParameters, checkAllUsed } from './parameters.js'
import type { ResultFormat } from './result-set.js'

/** The SQL text limit of the service (100 KB). */
export const MAX_SQL_BYTES = 100 * 1024
/** Statements in one BatchExecuteStatement. */
export const MAX_BATCH = 40

/** A validated submission. */
export interface Submission {
  readonly isBatch: boolean
  readonly sqls: readonly string[]
  readonly bound: readonly BoundSql[]
  readonly parameters?: readonly SqlParameter[]
  readonly name?: string
  readonly withEvent: boolean
  readonly clientToken?: string
  readonly resultFormat: ResultFormat
  readonly keepAliveSeconds?: number
  readonly sessionId?: string
  readonly waitSeconds?: number
  readonly executionMode: 'TRANSACTION' | 'AUTO_COMMIT'
}

function checkSql(sql: string, where: string): void {
  if (Buffer.byteLength(sql, 'utf8') > MAX_SQL_BYTES) {
    throw validationError(
      `Cannot process query string larger than 100kB (${where}). Load large data with COPY from S3.`,
    )
  }
  const count = splitStatements(sql).length
  if (count === 0) throw validationError(`${where} has no SQL statement.`)
  if (count > 1) {
    throw validationError(
      `${where} holds ${count} SQL statements; each SQL runs one statement. Use BatchExecuteStatement with one SQL per statement.`,
    )
  }
}

/** Reads an ExecuteStatement (`batch` false) or BatchExecuteStatement request. */
export function readSubmission(input: JsonInput, batch: boolean): Submission {
  let sqls: string[]
  if (batch) {
    const list = input.Sqls
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
      throw validationError(
        `1 validation error detected: Value at 'sqls' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH} (got ${Array.isArray(list) ? list.length : 'none'}).`,
      )
    }
    sqls = list.map((s: unknown, i) => {
      if (typeof s !== 'string') throw validationError(`Sqls[${i}] must be a string.`)
      checkSql(s, `Sqls[${i}]`)
      return s
    })
  } else {
    const sql = requiredString(input, 'Sql')
    checkSql(sql, 'Sql')
    sqls = [sql]
  }
  const parameters = sqlParameters(input)
  const bound = sqls.map((s) => bindParameters(s, parameters))
  checkAllUsed(parameters, bound)
  const clientToken = optionalString(input, 'ClientToken', 64)
  if (clientToken === '') throw validationError('ClientToken must be 1 to 64 characters.')
  const keepAliveSeconds = optionalInt(input, 'SessionKeepAliveSeconds', 0, 86_400)
  const session = sessionId(input)
  const executionMode = batch
    ? optionalEnum(input, 'ExecutionMode', ['TRANSACTION', 'AUTO_COMMIT'] as const)
    : undefined
  if (!batch && input.ExecutionMode !== undefined) {
    throw validationError(
      'ExecutionMode is for BatchExecuteStatement; a single statement commits on its own.',
    )
  }
  const name = optionalString(input, 'StatementName', 2048)
  const waitSeconds = optionalInt(input, 'WaitTimeSeconds', 0, 30)
  return {
    isBatch: batch,
    sqls,
    bound,
    ...(parameters === undefined ? {} : { parameters }),
    ...(name === undefined || name === '' ? {} : { name }),
    withEvent: optionalBool(input, 'WithEvent') === true,
    ...(clientToken === undefined ? {} : { clientToken }),
    resultFormat: optionalEnum(input, 'ResultFormat', ['JSON', 'CSV'] as const) ?? 'JSON',
    ...(keepAliveSeconds === undefined ? {} : { keepAliveSeconds }),
    ...(session === undefined ? {} : { sessionId: session }),
    ...(waitSeconds === undefined ? {} : { waitSeconds }),
    executionMode: executionMode ?? 'TRANSACTION',
  }
}

/** The request without its ClientToken: a retry with the same token must match it. */
export function fingerprint(input: JsonInput): string {
  const { ClientToken: _token, ...rest } = input
  return JSON.stringify(
    Object.keys(rest)
      .sort()
      .map((k) => [k, rest[k]]),
  )
}
