/**
 * WLM as Redshift shows it: the queues (STV_WLM_SERVICE_CLASS_CONFIG and _STATE, superuser views),
 * the queries running or queued (STV_WLM_QUERY_STATE with SYS_QUERY_HISTORY), and a pool-sizing hint.
 */
import { PermissionDeniedError } from '../errors/query-errors.js'
import { CODE_LEX_RULES, lexSql } from '../query/sql-scan.js'
import { num, type SqlRunner, text } from './sql-runner.js'

/**
 * One WLM queue (service class) and what it is doing now.
 *
 * @example
 * for (const q of await client.getQueueState()) console.log(q.name, q.serviceClass, `${q.running}/${q.slots}`, q.queued)
 */
export interface QueueState {
  /** Redshift's number: 5 the superuser queue, 6 to 13 manual queues (the last one the default queue), 100+ automatic WLM. */
  readonly serviceClass: number
  readonly name: string
  readonly slots: number
  readonly running: number
  readonly queued: number
  /** Queries that got through the queue since the cluster started. */
  readonly serviced: number
  /** 0 when the queue has no limit. */
  readonly maxExecutionTimeMs: number
  /** Query groups routed here (`SET query_group`); `*` and `?` are wildcards when `queryGroupWildcard`. */
  readonly queryGroups: readonly string[]
  readonly userGroups: readonly string[]
  readonly queryGroupWildcard: boolean
  readonly userGroupWildcard: boolean
  readonly superuser: boolean
}

/**
 * A query running or waiting in a WLM queue.
 *
 * @example
 * const slow = (await client.getRunningQueries()).filter((q) => q.elapsedMs > 60_000)
 * for (const q of slow) await client.cancelQuery(q.queryId)
 */
export interface RunningQuery {
  /** Redshift's query id (pass it to `client.cancelQuery`). */
  readonly queryId: string
  /** The server session (`pg_backend_pid()`). */
  readonly pid: number
  readonly user: string
  readonly serviceClass: number
  readonly queue: string
  readonly state: 'queued' | 'running'
  readonly startedAt: Date
  readonly elapsedMs: number
  readonly queueTimeMs: number
  /** The query group (`default` when none). */
  readonly label: string
  /** The statement, its literals replaced with `?` and cut to 200 characters. */
  readonly queryText: string
}

/**
 * What `getDiagnostics().wlm` says about sizing the pool to the queues.
 *
 * @example
 * const { wlm } = await client.getDiagnostics()
 * if (wlm?.advice) console.warn(wlm.advice) // e.g. the pool (4) is smaller than the WLM slots (12) ...
 */
export interface PoolSizingHint {
  /** Slots of the queues this client's queries can reach (the user queues). */
  readonly wlmSlots: number
  /** Redshift's guidance: a pool of twice the WLM slots, so a connection is ready when a slot frees. */
  readonly recommendedPoolSize: number
  readonly poolSize: number
  /** A sentence when the pool is far from the recommendation; null when it is within range. */
  readonly advice: string | null
}

/**
 * Marks the workload views' own statements, so that a list of running queries leaves them out (the
 * CLI's `wlm` reads the queues and the running queries at the same time).
 */
export const WORKLOAD_MARK = '/* redshift-kit workload */'

const QUEUES_SQL = `${WORKLOAD_MARK} SELECT c.service_class, c.name, c.num_query_tasks, c.max_execution_time,
  c.query_group_wild_card, c.user_group_wild_card,
  s.num_queued_queries, s.num_executing_queries, s.num_serviced_queries
FROM stv_wlm_service_class_config c
LEFT JOIN stv_wlm_service_class_state s ON s.service_class = c.service_class
WHERE c.service_class >= 5
ORDER BY c.service_class`

/** WLM's routing rules: `(query group: etl)`, `(user group: analysts)`, ... per service class. */
const RULES_SQL = `${WORKLOAD_MARK} SELECT trim(condition) AS condition, action_service_class
FROM stv_wlm_classification_config ORDER BY id`

/**
 * The WLM queues with their slots, limits, groups and live counts. Reads superuser views: a regular
 * user gets `PermissionDeniedError` unless granted access to them.
 */
export async function getQueueState(run: SqlRunner): Promise<QueueState[]> {
  const rows = await run(QUEUES_SQL)
  if (rows.length === 0) {
    throw new PermissionDeniedError(
      'stv_wlm_service_class_config returned no queues: the WLM views are for superusers; connect as a superuser or grant SELECT on them',
    )
  }
  const groups = new Map<number, { q: string[]; u: string[] }>()
  for (const rule of await run(RULES_SQL)) {
    const serviceClass = num(rule.action_service_class)
    const g = groups.get(serviceClass) ?? { q: [], u: [] }
    groups.set(serviceClass, g)
    for (const m of text(rule.condition).matchAll(/\((query|user) group: ([^)]*)\)/g)) {
      if (serviceClass === 5) continue
      ;(m[1] === 'query' ? g.q : g.u).push(m[2] as string)
    }
  }
  return rows.map((r) => {
    const serviceClass = num(r.service_class)
    const g = groups.get(serviceClass)
    const superuser = serviceClass === 5
    return {
      serviceClass,
      name: text(r.name),
      slots: num(r.num_query_tasks),
      running: num(r.num_executing_queries),
      queued: num(r.num_queued_queries),
      serviced: num(r.num_serviced_queries),
      maxExecutionTimeMs: num(r.max_execution_time),
      queryGroups: superuser ? ['superuser'] : (g?.q ?? []),
      userGroups: g?.u ?? [],
      queryGroupWildcard: r.query_group_wild_card === true,
      userGroupWildcard: r.user_group_wild_card === true,
      superuser,
    }
  })
}

const RUNNING_SQL = `${WORKLOAD_MARK} SELECT w.query, w.service_class, trim(w.state) AS state, w.queue_time, w.exec_time,
  h.session_id, trim(h.query_label) AS label, h.query_text, h.start_time, trim(h.service_class_name) AS queue,
  u.usename
FROM stv_wlm_query_state w
LEFT JOIN sys_query_history h ON h.query_id = w.query
LEFT JOIN pg_user u ON u.usesysid = h.user_id
ORDER BY w.wlm_start_time`

/**
 * Literals replaced with `?`, cut to `max` characters: never a value in a query list.
 *
 * @example
 * redactQueryText("select * from t where name = 'ada' and id = 42") // 'select * from t where name = ? and id = ?'
 */
export function redactQueryText(sql: string, max = 200): string {
  let out = ''
  lexSql(sql, { ...CODE_LEX_RULES, numbers: true }, (kind, start, end) => {
    out += kind === 'string' || kind === 'dollar-string' || kind === 'number' ? '?' : sql.slice(start, end)
  })
  const flat = out.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * The queries queued or running in WLM queues (a regular user sees their own; a superuser every
 * user's), oldest first. The workload views' own statements (this one included) are left out.
 */
export async function getRunningQueries(run: SqlRunner): Promise<RunningQuery[]> {
  const rows = (await run(RUNNING_SQL)).filter((r) => !text(r.query_text).startsWith(WORKLOAD_MARK))
  const now = Date.now()
  return rows.map((r): RunningQuery => {
    const startedAt = r.start_time instanceof Date ? r.start_time : new Date(String(r.start_time ?? now))
    return {
      queryId: String(r.query),
      pid: num(r.session_id),
      user: text(r.usename),
      serviceClass: num(r.service_class),
      queue: text(r.queue),
      state: text(r.state).toLowerCase().startsWith('queued') ? 'queued' : 'running',
      startedAt,
      elapsedMs: Math.max(0, Math.round((num(r.queue_time) + num(r.exec_time)) / 1000)),
      queueTimeMs: Math.round(num(r.queue_time) / 1000),
      label: text(r.label) || 'default',
      queryText: redactQueryText(text(r.query_text)),
    }
  })
}

/**
 * The pool size Redshift's guidance suggests for these queues (twice the user queues' slots), and
 * whether `poolSize` is far from it.
 *
 * @example
 * poolSizingHint(await client.getQueueState(), 10) // { wlmSlots: 5, recommendedPoolSize: 10, ... advice: null }
 */
export function poolSizingHint(queues: readonly QueueState[], poolSize: number): PoolSizingHint {
  const wlmSlots = queues.filter((q) => !q.superuser).reduce((n, q) => n + q.slots, 0)
  const recommendedPoolSize = wlmSlots * 2
  let advice: string | null = null
  if (recommendedPoolSize > 0 && poolSize < wlmSlots) {
    advice = `the pool (${poolSize}) is smaller than the WLM slots (${wlmSlots}): queries wait for a connection while queue slots are free; Redshift's guidance is ${recommendedPoolSize} (2x the slots)`
  } else if (recommendedPoolSize > 0 && poolSize > recommendedPoolSize * 2) {
    advice = `the pool (${poolSize}) is more than twice Redshift's guidance of ${recommendedPoolSize} (2x the ${wlmSlots} WLM slots): extra connections only wait in WLM queues`
  }
  return { wlmSlots, recommendedPoolSize, poolSize, advice }
}
