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
  'CREATE INDEX',
  'CREATE TYPE / DOMAIN / RULE / FOREIGN TABLE / TABLESPACE / COLLATION / AGGREGATE / OPERATOR / POLICY / CAST / LANGUAGE ...',
  'CLUSTER, REINDEX, CHECKPOINT, LOAD, IMPORT FOREIGN SCHEMA',
  'INSERT / UPDATE / DELETE ... RETURNING',
  'INSERT ... ON CONFLICT',
  'SELECT ... FOR UPDATE / FOR SHARE',
  'VALUES lists used as constant tables',
  'types added after PostgreSQL 8.0 (json, jsonb, uuid, xml, range types...)',
  'leader-node-only types (bytea, inet, money, geometric, arrays) in queries over tables and in columns',
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
  const command = w === undefined ? undefined : COMMANDS_REDSHIFT_LACKS.get(w)
  if (command !== undefined) return redshiftLacks(command)
  if (w !== 'create') return null
  let k = ts.next(first)
  if (ts.word(k) === 'or' && ts.word(ts.next(k)) === 'replace') k = ts.next(ts.next(k))
  if (ts.word(k) === 'constraint') k = ts.next(k)
  const kind = ts.word(k)
  switch (kind) {
    case 'extension':
      return redshiftLacks('CREATE EXTENSION')
    case 'sequence':
      return redshiftLacks('CREATE SEQUENCE', 'use an IDENTITY(seed, step) column')
    case 'trigger':
      return redshiftLacks('CREATE TRIGGER')
    case 'unique':
    case 'index':
      return redshiftLacks(
        'CREATE INDEX',
        'Redshift has no indexes: choose a SORTKEY (and a DISTKEY) instead',
      )
    case 'type':
      return redshiftLacks('CREATE TYPE', 'Redshift has no user-defined types (no enums or composites)')
    case 'event':
      return redshiftLacks('CREATE EVENT TRIGGER')
    default:
      return kind !== undefined && CREATE_REDSHIFT_LACKS.has(kind)
        ? redshiftLacks(`CREATE ${kind.toUpperCase()}`)
        : null
  }
}

/** Other `CREATE <kind>` statements PostgreSQL has and Redshift does not. */
const CREATE_REDSHIFT_LACKS: ReadonlySet<string> = new Set([
  'domain',
  'rule',
  'foreign',
  'server',
  'tablespace',
  'collation',
  'aggregate',
  'operator',
  'policy',
  'publication',
  'subscription',
  'conversion',
  'statistics',
  'transform',
  'access',
  'text',
  'cast',
  'language',
])

/** Whole commands PostgreSQL has and Redshift does not. */
const COMMANDS_REDSHIFT_LACKS: ReadonlyMap<string, string> = new Map([
  ['cluster', 'CLUSTER'],
  ['reindex', 'REINDEX'],
  ['checkpoint', 'CHECKPOINT'],
  ['load', 'LOAD'],
  ['import', 'IMPORT FOREIGN SCHEMA'],
])
