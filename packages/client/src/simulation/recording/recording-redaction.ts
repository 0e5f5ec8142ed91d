import { redactSecrets } from '../../errors/redact.js'
import { lexSql, type SqlLexRules } from '../../types/sql-scan.js'
import type { QueryParam } from '../../types/value.js'
import { type EncodedValue, encodeParam, type RecordingRedaction } from './recording-format.js'

// Recordings store statements as redacted here, and a replay finds them by redacting again: these
// rules stay what recordings were made with (numbers are values; block comments do not nest).
const RECORDING_LEX_RULES: SqlLexRules = Object.freeze({
  nestedComments: false,
  numbers: true,
  escapeStringNeedsBoundary: true,
})

/**
 * Replaces every literal value in SQL text with `?`: string literals (`'...'`, `E'...'`, dollar-quoted
 * bodies) and numbers. Comments, quoted identifiers and `$n` placeholders are kept, so the statement's
 * shape is still readable and two runs of it still compare equal.
 *
 * @example
 * redactLiterals("SELECT * FROM t WHERE name = 'ada' AND id = 42 AND x = $1") // "SELECT * FROM t WHERE name = ? AND id = ? AND x = $1"
 */
export function redactLiterals(sql: string): string {
  let out = ''
  lexSql(sql, RECORDING_LEX_RULES, (kind, start, end) => {
    out += kind === 'string' || kind === 'dollar-string' || kind === 'number' ? '?' : sql.slice(start, end)
  })
  return out
}

/** A statement as a recording stores it and a replay compares it. */
export function normalizeSql(sql: string, redaction: RecordingRedaction): string {
  const safe = redactSecrets(sql)
  return redaction.literals ? redactLiterals(safe) : safe
}

/** Parameters as a recording stores them (strings go through the secret filter; all hidden with `literals`). */
export function normalizeParams(
  params: readonly QueryParam[],
  redaction: RecordingRedaction,
): EncodedValue[] {
  return params.map((p) => {
    if (redaction.literals) return { $redacted: true }
    const encoded = encodeParam(p)
    return typeof encoded === 'string' ? redactSecrets(encoded) : encoded
  })
}
