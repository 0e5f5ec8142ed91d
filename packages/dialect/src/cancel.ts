import { stringValue } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError, TranslatedStatement } from './translation.js'

/** A translation of CANCEL, without the fields every translation has. */
export type CancelTranslation = Pick<TranslatedStatement, 'sql' | 'effect' | 'response'>

const USAGE = "CANCEL takes a process id and an optional message: CANCEL 1234 'reason'"

/**
 * `CANCEL pid ['message']` -> `SELECT pg_catalog.pg_cancel_backend(pid)`, answered as Redshift does (tag
 * CANCEL, no rows); the gateway shows `message` as the cancelled query's error text.
 */
export function translateCancel(ts: TokenStream, first: number): CancelTranslation | StatementError {
  const pidAt = ts.next(first)
  const pidToken = ts.tokens[pidAt]
  const pid = pidToken?.kind === 'number' ? Number(pidToken.text) : Number.NaN
  if (!Number.isSafeInteger(pid)) return { sqlState: '42601', message: USAGE }
  let k = ts.next(pidAt)
  let message: string | null = null
  const messageToken = ts.tokens[k]
  if (messageToken?.kind === 'string') {
    message = stringValue(messageToken)
    if (message === null) return { sqlState: '42601', message: USAGE }
    k = ts.next(k)
  }
  if (k >= 0 && !ts.is(k, ';')) return { sqlState: '42601', message: USAGE }
  return {
    sql: `SELECT pg_catalog.pg_cancel_backend(${pid})`,
    effect: { type: 'cancel', pid, message },
    response: { commandTag: 'CANCEL', noRows: true },
  }
}
