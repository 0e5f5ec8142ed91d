import { UsageError } from './exit-codes.js'

/**
 * `500ms`, `30s`, `5m`, `2h` or plain milliseconds, as milliseconds.
 *
 * @example
 * parseDuration('30s', '--timeout') // 30000
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new UsageError(`${flag} ${text}: use a duration such as 500ms, 30s, 5m or 2h`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * factor)
}
