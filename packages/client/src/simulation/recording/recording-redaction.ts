import { redactSecrets } from '../../errors/redact.js'
import type { QueryParam } from '../../types/value.js'
import { type EncodedValue, encodeParam, type RecordingRedaction } from './recording-format.js'

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
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i] as string
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? n : end + 1
      out += sql.slice(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      out += sql.slice(i, stop)
      i = stop
    } else if (
      c === "'" ||
      ((c === 'E' || c === 'e') && next === "'" && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? ''))
    ) {
      const backslashes = c !== "'"
      i += backslashes ? 2 : 1
      while (i < n) {
        if (backslashes && sql[i] === '\\') i += 2
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2
        else if (sql[i] === "'") {
          i++
          break
        } else i++
      }
      out += '?'
    } else if (c === '"') {
      let j = i + 1
      while (j < n) {
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2
        else if (sql[j] === '"') {
          j++
          break
        } else j++
      }
      out += sql.slice(i, j)
      i = j
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      let j = i + 1
      while (j < n && /[0-9]/.test(sql[j] as string)) j++
      out += sql.slice(i, j)
      i = j
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i, i + 64))?.[0]
      if (tag === undefined) {
        out += c
        i++
      } else {
        const close = sql.indexOf(tag, i + tag.length)
        i = close === -1 ? n : close + tag.length
        out += '?'
      }
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++
      out += sql.slice(i, j)
      i = j
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))
      i += m?.[0].length ?? 1
      out += '?'
    } else {
      out += c
      i++
    }
  }
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
