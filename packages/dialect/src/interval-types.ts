import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/** Redshift's names of the two interval types, as its catalog and drivers print them. */
const INTERVAL_TYPES: Readonly<Record<string, string>> = {
  intervaly2m: 'interval year to month',
  intervald2s: 'interval day to second',
}

/** True when the word at `at` stands where a type goes: `x::T`, `CAST(x AS T)`, a column `(c T` / `, c T`. */
function inTypePosition(ts: TokenStream, at: number): boolean {
  const before = ts.prev(at)
  if (ts.is(before, '::')) return true
  if (ts.word(before) === 'as') {
    // CAST(x AS T): the nearest unclosed `(` is CAST's.
    let depth = 0
    for (let k = ts.prev(before); k >= 0; k = ts.prev(k)) {
      if (ts.is(k, ')')) depth++
      else if (ts.is(k, '(')) {
        if (depth === 0) return ts.word(ts.prev(k)) === 'cast'
        depth--
      }
    }
    return false
  }
  if (ts.name(before) === undefined) return false
  const head = ts.prev(before)
  return ts.is(head, '(') || ts.is(head, ',') || ts.word(head) === 'column'
}

/**
 * `INTERVALY2M` / `INTERVALD2S` as a type -> `interval year to month` / `interval day to second`, the
 * engine's spelling of the same types (a column or alias of that name is left alone).
 *
 * @example
 * // "SELECT '1 year'::intervaly2m" -> "SELECT '1 year'::interval year to month"
 */
export function rewriteIntervalTypeName(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  const name = ts.word(at)
  if (name === undefined || !inTypePosition(ts, at)) return null
  const text = INTERVAL_TYPES[name]
  return text === undefined ? null : { text, next: at + 1 }
}
