/**
 * Redshift's WLM queue assignment rules (manual WLM): a superuser whose query group is `superuser`
 * goes to the superuser queue; otherwise the first queue, in configuration order, that lists the
 * session's query group or one of the user's groups; otherwise the last queue (the default queue).
 * Shared by redshift-local's scheduler and the client's span attribute.
 */

/** What routing reads of a queue. */
export interface RoutableQueue {
  readonly queryGroups: readonly string[]
  readonly userGroups: readonly string[]
  /** Whether `*` and `?` in `queryGroups` are wildcards. */
  readonly queryGroupWildcard: boolean
  /** Whether `*` and `?` in `userGroups` are wildcards. */
  readonly userGroupWildcard: boolean
  /** The superuser queue (service class 5). */
  readonly superuser: boolean
}

/** Who is asking, for routing. */
export interface RoutingInput {
  /** The session's query group, or undefined when none is set. */
  readonly queryGroup: string | undefined
  readonly userGroups: readonly string[]
  readonly superuser: boolean
}

/**
 * `*` matches any run of characters, `?` exactly one; everything else literally (case-sensitive).
 *
 * @example
 * matchesWildcard('etl_*', 'etl_nightly') // true
 */
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
 * The queue a statement goes to, or undefined when there is no user queue.
 *
 * @example
 * routeToQueue(queues, { queryGroup: 'etl', userGroups: [], superuser: false })?.name // 'etl'
 */
export function routeToQueue<Q extends RoutableQueue>(
  queues: readonly Q[],
  input: RoutingInput,
): Q | undefined {
  const user = queues.filter((q) => !q.superuser)
  if (input.superuser && input.queryGroup === 'superuser') {
    const su = queues.find((q) => q.superuser)
    if (su) return su
  }
  for (const q of user) {
    if (input.queryGroup !== undefined && anyMatch(q.queryGroups, input.queryGroup, q.queryGroupWildcard))
      return q
    if (input.userGroups.some((g) => anyMatch(q.userGroups, g, q.userGroupWildcard))) return q
  }
  return user[user.length - 1]
}
