import { scanSql } from '../../types/sql-scan.js'

/** What the wire transport may do with a statement, decided once per SQL text. */
export interface StatementTraits {
  /**
   * Parsed once per connection under a name, then only bound: a single SELECT, WITH, INSERT, UPDATE
   * or DELETE (what Redshift's PREPARE takes), as AWS's own redshift_connector does for every statement.
   */
  readonly nameable: boolean
  /**
   * May share a connection with other autocommit statements in flight: a single statement that
   * reads or writes rows and leaves the session as it found it (no SET, no BEGIN, no DDL, no COPY).
   */
  readonly shareable: boolean
}

const NAMEABLE = new Set(['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE'])
const SHAREABLE = new Set(['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'VALUES', 'TABLE', 'SHOW'])
const NONE: StatementTraits = Object.freeze({ nameable: false, shareable: false })

/**
 * The first keyword of `sql` in upper case, skipping blanks, comments and opening parentheses;
 * `''` when it starts with anything else.
 *
 * @example
 * leadingKeyword('  (select 1)') // 'SELECT'
 */
export function leadingKeyword(sql: string): string {
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql.charCodeAt(i)
    // space, \t, \n, \r, (
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 40) i++
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else break
  }
  let j = i
  while (j < n) {
    const c = sql.charCodeAt(j) | 32
    if (c < 97 || c > 122) break
    j++
  }
  return sql.slice(i, j).toUpperCase()
}

/** Whether `sql` holds one statement (semicolons only at its end, outside quotes and comments). */
function isSingleStatement(sql: string): boolean {
  if (!sql.includes(';')) return true
  const tokens = scanSql(sql)
  let last = tokens.length - 1
  while (last >= 0 && tokens[last]?.type === 'semicolon') last--
  for (let i = 0; i < last; i++) if (tokens[i]?.type === 'semicolon') return false
  return true
}

/** Classifies `sql` (uncached; see {@link StatementTraitsCache}). */
export function statementTraits(sql: string): StatementTraits {
  const keyword = leadingKeyword(sql)
  if (!SHAREABLE.has(keyword) || !isSingleStatement(sql)) return NONE
  // The local Redshift substitutes pg_last_query_id() when it parses: a statement parsed once would
  // keep answering the id it was parsed after. Such statements are parsed every time.
  const nameable = NAMEABLE.has(keyword) && !/pg_last_query_id/i.test(sql)
  return { nameable, shareable: true }
}

/**
 * {@link statementTraits} remembered per SQL text for the most recent texts, so that a statement run
 * again is never scanned again.
 */
export class StatementTraitsCache {
  readonly #capacity: number
  readonly #known = new Map<string, StatementTraits>()

  constructor(capacity = 500) {
    this.#capacity = capacity
  }

  get(sql: string): StatementTraits {
    let traits = this.#known.get(sql)
    if (traits !== undefined) return traits
    traits = statementTraits(sql)
    if (this.#known.size >= this.#capacity) {
      const oldest = this.#known.keys().next()
      if (oldest.done !== true) this.#known.delete(oldest.value)
    }
    this.#known.set(sql, traits)
    return traits
  }
}
