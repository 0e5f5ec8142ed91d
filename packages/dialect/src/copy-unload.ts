import type { TokenStream } from './token-stream.js'
import type { GatewayCommand, StatementError } from './translation.js'
import { redshiftLacks } from './unsupported.js'

const LOAD_FROM_S3 = "load from Amazon S3 instead: COPY table FROM 's3://bucket/prefix' IAM_ROLE '...' ..."

/**
 * A COPY statement: Redshift's (from S3, DynamoDB, EMR or remote hosts over SSH) goes to the gateway's
 * own executor with its text; PostgreSQL's client-side and server-side forms are errors, as on Redshift.
 */
export function translateCopy(ts: TokenStream, first: number): GatewayCommand | StatementError {
  // The direction is the first top-level FROM or TO (a column list or a `(query)` comes before it).
  let depth = 0
  let direction = -1
  for (let k = ts.next(first); k >= 0; k = ts.next(k)) {
    if (ts.is(k, '(')) depth++
    else if (ts.is(k, ')')) depth--
    else if (depth === 0 && (ts.word(k) === 'from' || ts.word(k) === 'to')) {
      direction = k
      break
    }
  }
  const source = ts.next(direction)
  const sourceWord = ts.word(source)
  if (ts.word(direction) === 'to') {
    return sourceWord === 'stdout'
      ? redshiftLacks('COPY TO STDOUT', 'use UNLOAD to write query results to Amazon S3')
      : redshiftLacks('COPY TO a file', 'use UNLOAD to write query results to Amazon S3')
  }
  if (sourceWord === 'stdin') return redshiftLacks('COPY FROM STDIN', LOAD_FROM_S3)
  if (sourceWord === 'program') return redshiftLacks('COPY FROM PROGRAM', LOAD_FROM_S3)
  // Everything else, malformed COPY included, is the executor's to parse and judge.
  return { type: 'copy', text: ts.sql }
}

/** UNLOAD runs in the gateway: it needs the query's rows and writes them to the object store. */
export function translateUnload(ts: TokenStream): GatewayCommand {
  return { type: 'unload', text: ts.sql }
}
