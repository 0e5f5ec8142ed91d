import { classifyError } from '../errors/classify.js'
import { type Problem, ValidationError } from '../errors/client-errors.js'
import type { LoadError } from '../errors/load-error.js'
import { NotFoundError } from '../errors/query-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import type { TransportSession } from '../transport/transport.js'
import { missingAuthorizationProblem, withDefaultIamRole } from './authorization.js'
import { CopyCommand } from './copy-command.js'
import { type DataOperationContext, runInOwnSession, runOn, scalar, toNumber } from './data-context.js'
import type { CopyResult } from './data-results.js'
import { LOAD_ERROR_COLUMNS, loadErrorFromRow, loadFailed } from './load-error.js'
import { type TableRef, toTableRef } from './table-ref.js'

/** Which COPY sources an operation takes. */
export type CopyOperationKind = 'copyFromS3' | 'copyFromDynamoDb' | 'validateCopy'

/**
 * Checks a command before anything is sent: that it is a built {@link CopyCommand}, that it has
 * authorization (its own or the configured default role), and that its source suits the operation.
 * Returns the command to run (with the default role applied); throws one `ValidationError`.
 */
export function prepareCopy(
  command: unknown,
  defaultIamRole: string | undefined,
  operation: CopyOperationKind,
): CopyCommand {
  if (!(command instanceof CopyCommand)) {
    throw new ValidationError(`${operation} needs a CopyCommand`, {
      problems: [{ field: 'command', message: 'build one with new CopyCommandBuilder(table)...build()' }],
    })
  }
  const problems: Problem[] = []
  const unauthorized = missingAuthorizationProblem(command, defaultIamRole, 'defaultCopyIamRole')
  if (unauthorized !== undefined) problems.push(unauthorized)
  const source = command.source.kind
  if (operation === 'copyFromDynamoDb' && source !== 'dynamodb') {
    problems.push({
      field: 'source',
      message: `copyFromDynamoDb needs a fromDynamoDb() source; this command reads ${source}: use copyFromS3`,
    })
  }
  if (operation === 'copyFromS3' && source === 'dynamodb') {
    problems.push({ field: 'source', message: 'this command reads DynamoDB: use copyFromDynamoDb' })
  }
  if (problems.length > 0) throw new ValidationError('invalid COPY command', { problems })
  return withDefaultIamRole(command, defaultIamRole)
}

async function readLoadErrors(
  session: TransportSession,
  context: DataOperationContext,
  queryId: number,
): Promise<LoadError[]> {
  const result = await runOn(
    session,
    context,
    `SELECT ${LOAD_ERROR_COLUMNS} FROM stl_load_errors WHERE query = $1 ORDER BY line_number, colname`,
    [queryId],
  )
  return result.rows.map(loadErrorFromRow)
}

/** What the session said just before the COPY: its last COPY id, the server's clock, its pid. */
interface BeforeCopy {
  readonly copyId: number | undefined
  readonly serverStart: Date | undefined
  readonly pid: number | undefined
}

/** The load errors of the COPY that just failed on `session`, and its query id (`''` when none). */
async function errorsOfFailedCopy(
  session: TransportSession,
  context: DataOperationContext,
  before: BeforeCopy,
): Promise<{ queryId: string; loadErrors: LoadError[] }> {
  // pg_last_copy_id() moves when a COPY begins loading, failed loads included, and stays put when
  // it failed before (syntax, permissions, credentials): a new id has load errors to read.
  const id = toNumber(scalar(await runOn(session, context, 'SELECT pg_last_copy_id()')))
  if (id !== undefined && id > 0 && id !== before.copyId) {
    return { queryId: String(id), loadErrors: await readLoadErrors(session, context, id) }
  }
  // Servers that do not move it for a failed load: the newest errors of this session since the COPY began.
  if (before.pid === undefined || before.serverStart === undefined) return { queryId: '', loadErrors: [] }
  const recent = await runOn(
    session,
    context,
    `SELECT ${LOAD_ERROR_COLUMNS} FROM stl_load_errors WHERE session = $1 AND starttime >= $2 ORDER BY query DESC, line_number, colname`,
    [before.pid, before.serverStart],
  )
  const loadErrors = recent.rows.map(loadErrorFromRow)
  const newest = loadErrors[0]?.queryId ?? ''
  return { queryId: newest, loadErrors: loadErrors.filter((e) => e.queryId === newest) }
}

/** What to raise for a failed COPY: load failures become `LoadFailedError` carrying their load errors. */
async function failure(
  raw: unknown,
  session: TransportSession,
  context: DataOperationContext,
  sql: string,
  before: BeforeCopy,
): Promise<RedshiftError> {
  const error = classifyError(raw, { sql, operation: 'copy' })
  if (error.code !== 'QUERY_FAILED' && error.code !== 'LOAD_FAILED') return error
  let found: { queryId: string; loadErrors: LoadError[] } = { queryId: '', loadErrors: [] }
  try {
    found = await errorsOfFailedCopy(session, context, before)
  } catch {
    // The session may be gone with the COPY; the COPY's own error is what matters.
  }
  return loadFailed(error, found.loadErrors, sql, found.queryId)
}

/**
 * Runs a prepared COPY on one session, so that `pg_last_copy_count()` and `pg_last_copy_id()` read
 * this COPY's: rows loaded, query id, and the number of rows skipped (under `maxErrors`) from
 * STL_LOAD_ERRORS. A failed COPY raises `LoadFailedError` with its load errors attached.
 *
 * @example
 * const result = await runCopy({ transport, execute, settings }, prepareCopy(copy, undefined, 'copyFromS3'))
 */
export function runCopy(context: DataOperationContext, command: CopyCommand): Promise<CopyResult> {
  const sql = command.toSql()
  return runInOwnSession(
    context,
    'copy',
    sql,
    "COPY's row count (pg_last_copy_count())",
    async (session, failed) => {
      const row = (await runOn(session, context, 'SELECT pg_last_copy_id(), SYSDATE')).rows[0]
      const clock = row?.[1]
      const before: BeforeCopy = {
        copyId: toNumber(row?.[0]),
        serverStart: clock instanceof Date ? clock : undefined,
        // The session id is the backend pid on the wire: what STL_LOAD_ERRORS.session holds.
        pid: /^\d+$/.test(session.id) ? Number(session.id) : undefined,
      }
      const startedAt = Date.now()
      try {
        await runOn(session, context, sql)
      } catch (raw) {
        failed(raw)
        throw await failure(raw, session, context, sql, before)
      }
      const after = await runOn(session, context, 'SELECT pg_last_copy_count(), pg_last_copy_id()')
      const durationMs = Date.now() - startedAt
      const rowsLoaded = toNumber(after.rows[0]?.[0]) ?? 0
      const copyId = toNumber(after.rows[0]?.[1])
      let errors = 0
      if (copyId !== undefined && copyId > 0) {
        const counted = await runOn(
          session,
          context,
          'SELECT COUNT(*) FROM stl_load_errors WHERE query = $1',
          [copyId],
        )
        errors = toNumber(scalar(counted)) ?? 0
      }
      return Object.freeze({
        rowsLoaded,
        errors,
        startTime: before.serverStart ?? new Date(Date.now() - durationMs),
        durationMs,
        queryId: copyId !== undefined && copyId > 0 ? String(copyId) : '',
        table: command.table,
      })
    },
  )
}

/**
 * The rows STL_LOAD_ERRORS holds for `table` since `since` (the `startTime` of a `CopyResult`), in
 * time and line order. STL keeps about seven days, and regular users see only their own loads.
 *
 * @example
 * const errors = await getLoadErrors({ transport, execute, settings }, new TableRef('analytics', 'daily_events'), since)
 */
export function getLoadErrors(
  context: DataOperationContext,
  table: TableRef | string,
  since: Date,
): Promise<LoadError[]> {
  const ref = toTableRef(table)
  const problems = ref.problems('table')
  if (!(since instanceof Date) || Number.isNaN(since.getTime()))
    problems.push({ field: 'since', message: 'must be a valid Date' })
  if (problems.length > 0)
    return Promise.reject(new ValidationError('invalid getLoadErrors call', { problems }))
  return context.execute({
    operation: 'metadata',
    sql: 'SELECT ... FROM stl_load_errors',
    settings: context.settings,
    signal: context.signal,
    idempotent: true,
    run: async (call) => {
      const exec = (sql: string, params: readonly (string | number | Date)[]) =>
        context.transport.execute({
          sql,
          params,
          settings: context.settings,
          ...(call.signal === undefined ? {} : { signal: call.signal }),
          ...(call.deadline === undefined ? {} : { deadline: call.deadline }),
        })
      // Redshift folds names to lower case (quoted ones too, by default); PostgreSQL keeps quoted case.
      // The casts keep one type per parameter (pg_class's columns are of type name, lower() is text).
      const found =
        ref.schema === undefined
          ? await exec(
              'SELECT c.oid FROM pg_class c WHERE c.relname::varchar IN ($1::varchar, lower($1::varchar)) AND pg_table_is_visible(c.oid) ORDER BY c.relname::varchar = $1::varchar DESC LIMIT 1',
              [ref.name],
            )
          : await exec(
              'SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname::varchar IN ($1::varchar, lower($1::varchar)) AND n.nspname::varchar IN ($2::varchar, lower($2::varchar)) ORDER BY c.relname::varchar = $1::varchar DESC, n.nspname::varchar = $2::varchar DESC LIMIT 1',
              [ref.name, ref.schema],
            )
      const tableId = toNumber(scalar(found))
      if (tableId === undefined)
        throw new NotFoundError(`table ${ref.toSql()} does not exist (or is not visible to this user)`)
      const result = await exec(
        `SELECT ${LOAD_ERROR_COLUMNS} FROM stl_load_errors WHERE tbl = $1 AND starttime >= $2 ORDER BY starttime, query, line_number`,
        [tableId, since],
      )
      return result.rows.map(loadErrorFromRow)
    },
  })
}
