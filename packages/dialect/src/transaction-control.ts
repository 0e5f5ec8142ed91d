/** What the gateway needs to know about a statement before it runs, beyond its translation. */
import { isSignificant, tokenize } from './lexer.js'

/**
 * Statements Redshift runs on the leader without a WLM slot: transaction control and session settings.
 * `CANCEL` is here too, so that a cancel can always get through to a full queue.
 */
const CONTROL_WORDS: ReadonlySet<string> = new Set([
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
  'set',
  'reset',
  'show',
  'deallocate',
  'discard',
  'cancel',
])

/** The first keyword of a statement, lower-cased (comments and whitespace skipped), or ''. */
export function leadingKeyword(sql: string): string {
  // Only the first significant token matters; tokenizing a short prefix keeps long statements cheap,
  // and a cut-off token can only be the (then irrelevant) tail.
  for (const token of tokenize(sql.length > 256 ? sql.slice(0, 256) : sql)) {
    if (!isSignificant(token)) continue
    return token.kind === 'word' ? (token.value ?? '') : ''
  }
  return ''
}

/** True for a transaction-control or session statement that never waits for a WLM slot. */
export function isControlStatement(sql: string): boolean {
  return CONTROL_WORDS.has(leadingKeyword(sql))
}

/** BEGIN or START TRANSACTION: opens an explicit transaction block. */
export function opensTransactionBlock(sql: string): boolean {
  const word = leadingKeyword(sql)
  return word === 'begin' || word === 'start'
}
