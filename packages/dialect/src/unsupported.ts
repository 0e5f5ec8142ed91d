import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/**
 * PostgreSQL features the engine would happily run but Redshift rejects, which matter to someone
 * testing code meant for Redshift: accepting them locally would let code pass here and fail there.
 * The list is short on purpose (DG "Unsupported PostgreSQL features" has more); each entry is a
 * statement a user could plausibly write.
 *
 * - `LISTEN`, `UNLISTEN`, `NOTIFY`: Redshift has no asynchronous notifications.
 * - `CREATE EXTENSION`: Redshift has no extensions.
 * - `CREATE SEQUENCE`: Redshift has no sequences (IDENTITY columns instead).
 * - `CREATE [CONSTRAINT] TRIGGER`: Redshift has no triggers.
 * - In CREATE TABLE: `SERIAL`-family column types and array column types (checked in `create-table.ts`).
 * - `COPY ... FROM STDIN` / `TO STDOUT` and other non-Redshift COPY forms (checked in `copy-unload.ts`).
 */
export const REDSHIFT_UNSUPPORTED = [
  'LISTEN',
  'UNLISTEN',
  'NOTIFY',
  'CREATE EXTENSION',
  'CREATE SEQUENCE',
  'CREATE TRIGGER',
  'SERIAL column types',
  'array column types',
  'COPY FROM STDIN / TO STDOUT',
] as const

/** The 0A000 error Redshift's lack of `feature` earns, with a hint at the Redshift way when there is one. */
export function redshiftLacks(feature: string, hint?: string): StatementError {
  const message = `${feature} ${/s$/.test(feature) ? 'are' : 'is'} not supported by Amazon Redshift`
  return hint === undefined ? { sqlState: '0A000', message } : { sqlState: '0A000', message, hint }
}

/** The error for a whole statement Redshift does not support, or null. `first` is its first token. */
export function unsupportedStatement(ts: TokenStream, first: number): StatementError | null {
  const w = ts.word(first)
  if (w === 'listen' || w === 'unlisten' || w === 'notify') {
    return redshiftLacks(w.toUpperCase(), 'Redshift has no asynchronous notifications')
  }
  if (w !== 'create') return null
  let k = ts.next(first)
  if (ts.word(k) === 'or' && ts.word(ts.next(k)) === 'replace') k = ts.next(ts.next(k))
  if (ts.word(k) === 'constraint') k = ts.next(k)
  switch (ts.word(k)) {
    case 'extension':
      return redshiftLacks('CREATE EXTENSION')
    case 'sequence':
      return redshiftLacks('CREATE SEQUENCE', 'use an IDENTITY(seed, step) column')
    case 'trigger':
      return redshiftLacks('CREATE TRIGGER')
    default:
      return null
  }
}
