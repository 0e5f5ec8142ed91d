import type { Problem } from '../errors/client-errors.js'

/** The longest query group Redshift keeps (STL_QUERY.label is char(320)); longer ones are refused. */
export const MAX_QUERY_GROUP_LENGTH = 320

/** What is wrong with a timeout in milliseconds, or `undefined`. */
export function timeoutProblem(field: string, ms: unknown): Problem | undefined {
  return typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= 2_147_483_647
    ? undefined
    : {
        field,
        message: `must be a whole number of milliseconds from 0 (no limit) to 2147483647, got ${String(ms)}`,
      }
}

/** What is wrong with a WLM query group, or `undefined`. */
export function queryGroupProblem(field: string, group: unknown): Problem | undefined {
  if (typeof group !== 'string' || group.trim() === '')
    return { field, message: 'must be a non-empty string' }
  if (group.length > MAX_QUERY_GROUP_LENGTH) {
    return { field, message: `must be at most ${MAX_QUERY_GROUP_LENGTH} characters, got ${group.length}` }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(group)) return { field, message: 'must not contain control characters' }
  return undefined
}
