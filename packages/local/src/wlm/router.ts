/** Redshift's queue assignment rules: first match wins, the last queue catches the rest. */
import type { WlmQueue } from './config.js'

/** Who is asking, for routing. */
export interface RoutingInput {
  /** The session's query group, or undefined when none is set. */
  readonly queryGroup: string | undefined
  readonly userGroups: readonly string[]
  readonly superuser: boolean
}

/** `*` matches any run of characters, `?` exactly one; everything else literally (case-sensitive). */
export function matchesWildcard(pattern: string, value: string): boolean {
  let p = 0
  let v = 0
  let star = -1
  let mark = 0
  while (v < value.length) {
    const pc = pattern[p]
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === value[v])) {
      p++
      v++
    } else if (pc === '*') {
      star = p++
      mark = v
    } else if (star >= 0) {
      p = star + 1
      v = ++mark
    } else {
      return false
    }
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

const anyMatch = (patterns: readonly string[], value: string, wildcard: boolean): boolean =>
  patterns.some((p) => (wildcard ? matchesWildcard(p, value) : p === value))

/**
 * The queue a statement goes to: a superuser with query group `superuser` goes to the superuser
 * queue; otherwise the first queue listing the user's group or the query group; otherwise the last.
 *
 * @example
 * routeStatement(queues, { queryGroup: 'etl', userGroups: [], superuser: false }).name // 'etl'
 */
export function routeStatement(queues: readonly WlmQueue[], input: RoutingInput): WlmQueue {
  const user = queues.filter((q) => !q.superuser)
  const last = user[user.length - 1]
  if (last === undefined) throw new Error('WLM has no user queue')
  if (input.superuser && input.queryGroup === 'superuser') {
    const su = queues.find((q) => q.superuser)
    if (su) return su
  }
  for (const q of user) {
    if (input.queryGroup !== undefined && anyMatch(q.queryGroups, input.queryGroup, q.queryGroupWildCard))
      return q
    if (input.userGroups.some((g) => anyMatch(q.userGroups, g, q.userGroupWildCard))) return q
  }
  return last
}
