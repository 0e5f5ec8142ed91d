import { classifyError } from '../errors/classify.js'
import { ValidationError } from '../errors/client-errors.js'
import { UnloadFailedError } from '../errors/query-errors.js'
import { serverFieldsOf } from '../errors/server-error-fields.js'
import { QueryId } from '../query/query-id.js'
import { missingAuthorizationProblem, withDefaultIamRole } from './authorization.js'
import { type DataOperationContext, runInOwnSession, runOn, toNumber } from './data-context.js'
import type { UnloadedFile, UnloadResult } from './data-results.js'
import { UnloadCommand } from './unload-command.js'

/**
 * Checks an UNLOAD before anything is sent: that it is a built {@link UnloadCommand} with
 * authorization (its own or the configured default role). Returns the command to run (with the
 * default role applied); throws one `ValidationError`.
 */
export function prepareUnload(
  command: unknown,
  defaultIamRole: string | undefined,
  operation: 'unloadToS3' | 'validateUnload',
): UnloadCommand {
  if (!(command instanceof UnloadCommand)) {
    throw new ValidationError(`${operation} needs an UnloadCommand`, {
      problems: [{ field: 'command', message: 'build one with new UnloadCommandBuilder(query)...build()' }],
    })
  }
  const problem = missingAuthorizationProblem(command, defaultIamRole, 'defaultUnloadIamRole')
  if (problem !== undefined) throw new ValidationError('invalid UNLOAD command', { problems: [problem] })
  return withDefaultIamRole(command, defaultIamRole)
}

/**
 * Runs a prepared UNLOAD on one session: the rows written come from `pg_last_unload_count()` and the
 * files from STL_UNLOAD_LOG (one row per file). A server failure raises `UnloadFailedError`.
 *
 * @example
 * const result = await runUnload({ transport, execute, settings }, prepareUnload(unload, undefined, 'unloadToS3'))
 */
export function runUnload(context: DataOperationContext, command: UnloadCommand): Promise<UnloadResult> {
  const sql = command.toSql()
  return runInOwnSession(
    context,
    'unload',
    sql,
    "UNLOAD's row count (pg_last_unload_count())",
    async (session, failed) => {
      const startedAt = Date.now()
      let unloaded: Awaited<ReturnType<typeof runOn>>
      try {
        unloaded = await runOn(session, context, sql)
      } catch (raw) {
        failed(raw)
        const error = classifyError(raw, { sql, operation: 'unload' })
        if (error.code !== 'QUERY_FAILED') throw error
        throw new UnloadFailedError(error.message, {
          ...serverFieldsOf(error),
          cause: error,
          metadata: error.metadata,
          sql,
        })
      }
      const durationMs = Date.now() - startedAt
      const counted = await runOn(session, context, 'SELECT pg_last_unload_count()')
      const rowsUnloaded = toNumber(counted.rows[0]?.[0]) ?? 0
      const queryId = unloaded.queryId
      let files: UnloadedFile[] = []
      if (QueryId.isRedshiftId(queryId)) {
        const logged = await runOn(
          session,
          context,
          'SELECT path, line_count, transfer_size FROM stl_unload_log WHERE query = $1 ORDER BY path',
          [Number(queryId)],
        )
        files = logged.rows.map((r) =>
          Object.freeze({
            url: String(r[0] ?? '').trimEnd(),
            rowCount: toNumber(r[1]) ?? 0,
            sizeBytes: toNumber(r[2]) ?? 0,
          }),
        )
      }
      const manifestUrl = command.manifestUrl
      return Object.freeze({
        rowsUnloaded,
        filesCreated: files.length,
        files: Object.freeze(files),
        ...(manifestUrl === undefined ? {} : { manifestUrl }),
        queryId,
        durationMs,
      })
    },
  )
}
