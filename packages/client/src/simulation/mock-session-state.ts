import type { TransportResult } from '../transport/transport.js'
import type { TableEngine } from './engine/table-engine.js'
import { firstWord, type SessionCounters, type Words } from './redshift-system.js'

/** A session of the mock server. */
export interface MockSessionState {
  readonly id: string
  /** Autocommit statements run on a session of their own that nobody holds. */
  readonly ephemeral: boolean
  inTransaction: boolean
  /** A statement of the open transaction failed: only ROLLBACK (or COMMIT, which rolls back) is accepted. */
  failed: boolean
  readonly counters: SessionCounters
  running: { readonly queryId: number; readonly cancel: AbortController } | undefined
}

/** What a transaction-control statement does to its session. */
export type TransactionControl = 'begin' | 'commit' | 'rollback'

const BEGIN = new Set(['begin', 'start'])
const END = new Set(['commit', 'end', 'rollback', 'abort'])

/** The transaction-control statement `words` are, or undefined when they are something else. */
export function transactionControl(words: Words): TransactionControl | undefined {
  const first = firstWord(words)
  if (first === undefined) return undefined
  const rest = words.slice(1).filter((t) => t.type !== 'semicolon')
  const onlyWords = (allowed: readonly string[]) =>
    rest.every((t) => t.type === 'word' && allowed.includes(t.text.toLowerCase()))
  if (BEGIN.has(first)) {
    if (first === 'start' && !(rest[0]?.type === 'word' && rest[0].text.toLowerCase() === 'transaction'))
      return undefined
    // Isolation levels and READ WRITE are accepted and ignored, as Redshift runs everything serializable.
    return onlyWords([
      'transaction',
      'work',
      'isolation',
      'level',
      'serializable',
      'read',
      'write',
      'committed',
      'uncommitted',
      'repeatable',
      'only',
    ])
      ? 'begin'
      : undefined
  }
  if (END.has(first) && onlyWords(['transaction', 'work']))
    return first === 'commit' || first === 'end' ? 'commit' : 'rollback'
  return undefined
}

/**
 * Applies a transaction-control statement to `session` and to its transaction on the tables' engine;
 * a COMMIT of a failed transaction rolls back.
 */
export async function applyTransactionControl(
  control: TransactionControl,
  session: MockSessionState,
  engine: TableEngine,
  id: string,
): Promise<TransportResult> {
  const done = (command: string): TransportResult => ({
    columns: [],
    rows: [],
    rowsAffected: 0,
    command,
    queryId: '',
  })
  if (control === 'begin') {
    // Redshift (like PostgreSQL) warns and stays in the open transaction on a second BEGIN.
    session.inTransaction = true
    return done('BEGIN')
  }
  const failed = session.failed
  session.inTransaction = false
  session.failed = false
  const command = control === 'commit' && !failed ? 'COMMIT' : 'ROLLBACK'
  const result = await engine.finish(session.id, command)
  return result === undefined
    ? done(control === 'commit' && failed ? 'ROLLBACK' : command)
    : { ...result, queryId: id }
}
