/** WLM queues from the user's configuration, numbered as Redshift numbers its service classes. */

/** One manual WLM queue as configured (Redshift's `wlm_json_configuration`, in routing order). */
export interface WlmQueueConfig {
  /** Queue name, unique. */
  readonly name: string
  /** Query groups routed here (`SET query_group TO ...`); `*` and `?` are wildcards. */
  readonly queryGroups?: readonly string[]
  /** User groups routed here; `*` and `?` are wildcards. */
  readonly userGroups?: readonly string[]
  /** Concurrency (slots), 1-50. @default 5 */
  readonly slots?: number
  /** Statements running longer are cancelled; 0 or absent = no limit. */
  readonly maxExecutionTimeMs?: number
}

/** A resolved queue. */
export interface WlmQueue {
  readonly serviceClass: number
  readonly name: string
  readonly queryGroups: readonly string[]
  readonly userGroups: readonly string[]
  readonly slots: number
  readonly maxExecutionTimeMs: number
  readonly queryGroupWildcard: boolean
  readonly userGroupWildcard: boolean
  /** The superuser queue (service class 5): only superusers whose query group is `superuser`. */
  readonly superuser: boolean
}

/** Service class of Redshift's superuser queue. */
export const SUPERUSER_SERVICE_CLASS = 5
/** Service class of the first user-defined queue (Redshift numbers manual queues 6 to 13). */
export const FIRST_USER_SERVICE_CLASS = 6
const MAX_USER_QUEUES = 8
/** Redshift's cap on the slots of all manual user queues together. */
export const MAX_TOTAL_SLOTS = 50
const DEFAULT_QUEUE_SLOTS = 5

/**
 * The queues used when none are configured: one `default` queue with 50 slots. Redshift's own default
 * is 5 slots, but a local development tool should not throttle parallel test suites by default; a
 * configuration that wants Redshift's queueing says so explicitly.
 */
export const DEFAULT_WLM_CONFIG: readonly WlmQueueConfig[] = [{ name: 'default', slots: MAX_TOTAL_SLOTS }]

const hasWildcard = (patterns: readonly string[]): boolean =>
  patterns.some((p) => p.includes('*') || p.includes('?'))

/**
 * Validates a WLM configuration and numbers its queues: the superuser queue (5) first, then the
 * configured queues from 6 in routing order; the last configured queue is the default queue.
 *
 * @example
 * resolveWlmQueues([{ name: 'etl', queryGroups: ['etl*'], slots: 2 }, { name: 'default', slots: 5 }])
 * // -> superuser (5), etl (6), default (7)
 */
export function resolveWlmQueues(config: readonly WlmQueueConfig[]): WlmQueue[] {
  const queues = config.length === 0 ? DEFAULT_WLM_CONFIG : config
  if (queues.length > MAX_USER_QUEUES) {
    throw new Error(
      `WLM has ${queues.length} queues; Redshift allows at most ${MAX_USER_QUEUES} manual queues`,
    )
  }
  const names = new Set<string>()
  let total = 0
  const resolved: WlmQueue[] = [
    {
      serviceClass: SUPERUSER_SERVICE_CLASS,
      name: 'Superuser queue',
      queryGroups: ['superuser'],
      userGroups: [],
      slots: 1,
      maxExecutionTimeMs: 0,
      queryGroupWildcard: false,
      userGroupWildcard: false,
      superuser: true,
    },
  ]
  queues.forEach((q, i) => {
    if (typeof q.name !== 'string' || q.name.trim() === '') {
      throw new Error(`WLM queue ${i + 1} has no name; give each queue a unique name`)
    }
    if (names.has(q.name))
      throw new Error(`WLM queue name "${q.name}" is used twice; queue names must be unique`)
    names.add(q.name)
    const slots = q.slots ?? DEFAULT_QUEUE_SLOTS
    if (!Number.isInteger(slots) || slots < 1 || slots > MAX_TOTAL_SLOTS) {
      throw new Error(`WLM queue "${q.name}" has slots ${slots}; use an integer from 1 to ${MAX_TOTAL_SLOTS}`)
    }
    total += slots
    const max = q.maxExecutionTimeMs ?? 0
    if (!Number.isInteger(max) || max < 0) {
      throw new Error(
        `WLM queue "${q.name}" has maxExecutionTimeMs ${max}; use a whole number of milliseconds, 0 for none`,
      )
    }
    const queryGroups = [...(q.queryGroups ?? [])]
    const userGroups = [...(q.userGroups ?? [])]
    resolved.push({
      serviceClass: FIRST_USER_SERVICE_CLASS + i,
      name: q.name,
      queryGroups,
      userGroups,
      slots,
      maxExecutionTimeMs: max,
      queryGroupWildcard: hasWildcard(queryGroups),
      userGroupWildcard: hasWildcard(userGroups),
      superuser: false,
    })
  })
  if (total > MAX_TOTAL_SLOTS) {
    throw new Error(
      `WLM queues have ${total} slots together; Redshift allows at most ${MAX_TOTAL_SLOTS} across user queues`,
    )
  }
  return resolved
}
