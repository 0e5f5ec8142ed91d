/**
 * GetStatementResult (typed `Field` records) and GetStatementResultV2 (CSV): one page of a kept
 * result per call, its NextToken naming the next page. The body is assembled from the page's
 * already-encoded records, so serving a page costs a copy.
 */
import type { JsonInput } from '../json-services.js'
import { ResourceNotFoundError, validationError } from './errors.js'
import { optionalInt, optionalString, statementId } from './inputs.js'
import { decodeToken, encodeToken } from './paging.js'
import type { ResultFormat } from './result-set.js'
import type { SqlRun } from './statement.js'
import type { StatementStore } from './statement-store.js'

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

/** One page of a statement's result, as the JSON body of the reply. */
export async function getStatementResult(
  store: StatementStore,
  input: JsonInput,
  format: ResultFormat,
): Promise<Buffer> {
  const id = statementId(input)
  const token = optionalString(input, 'NextToken')
  const waitSeconds = optionalInt(input, 'WaitTimeSeconds', 0, 30)
  const found = store.find(id)
  await waitFor(found.statement.done, waitSeconds)
  let run: SqlRun | undefined = found.run
  if (run === undefined) {
    if (found.statement.isBatch) {
      throw validationError(
        `${id} is a batch: fetch the result of one of its statements by its own id (${id}:1, ${id}:2, ...).`,
      )
    }
    run = found.statement.runs[0]
  }
  const result = run?.status === 'FINISHED' ? run.result : undefined
  if (run === undefined || result === undefined) {
    throw new ResourceNotFoundError(
      'Query does not have result. Please check query status with DescribeStatement.',
      id,
    )
  }
  if (result.format !== format) {
    throw validationError(
      format === 'JSON'
        ? `Statement ${id} ran with ResultFormat CSV: fetch its result with GetStatementResultV2.`
        : `Statement ${id} ran with ResultFormat JSON: fetch its result with GetStatementResult (GetStatementResultV2 serves CSV results).`,
    )
  }
  const index = decodeToken(token, run.id)
  if (index >= result.pageCount) {
    throw validationError('NextToken is not valid for this request: pass the NextToken of the previous page.')
  }
  const records = await result.page(index)
  const next = index + 1 < result.pageCount ? `,"NextToken":"${encodeToken(run.id, index + 1)}"` : ''
  const columns = JSON.stringify(result.columns)
  const tail = `,"ColumnMetadata":${columns},"TotalNumRows":${result.totalRows}`
  if (format === 'JSON') {
    return Buffer.concat([Buffer.from('{"Records":['), records, Buffer.from(`]${tail}${next}}`)])
  }
  // CSV pages are kept as JSON string literals already.
  return Buffer.concat([
    Buffer.from('{"Records":[{"CSVRecords":'),
    records.length === 0 ? Buffer.from('""') : records,
    Buffer.from(`}]${tail},"ResultFormat":"CSV"${next}}`),
  ])
}
