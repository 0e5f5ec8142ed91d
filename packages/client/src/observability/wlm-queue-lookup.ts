import { routeToQueue } from '@redshift-kit/dialect'
import { PoolClosedError } from '../errors/connection-errors.js'
import { type SqlRunner, text } from '../workload/sql-runner.js'
import { getQueueState, type QueueState, WORKLOAD_MARK } from '../workload/workload.js'

/** The queue a statement is routed to, for its span. */
export interface RoutedQueue {
  readonly name: string
  readonly serviceClass: number
}

/** How often the WLM configuration and the user's groups are read again. */
export const WLM_LOOKUP_REFRESH_MS = 300_000

// The session user's superuser flag and groups, in one catalog read (leader-node tables on Redshift).
const WHO_SQL = `${WORKLOAD_MARK} SELECT u.usesuper, g.groname
FROM pg_user u LEFT JOIN pg_group g ON u.usesysid = ANY(g.grolist)
WHERE u.usename = current_user`

interface Loaded {
  readonly queues: readonly QueueState[]
  readonly userGroups: readonly string[]
  readonly superuser: boolean
  /** Routes already worked out, by query group (NUL for none): the rules run once per group, not per statement. */
  readonly routes: Map<string, RoutedQueue | undefined>
}

/**
 * The WLM queue each statement is routed to, by Redshift's assignment rules over the cluster's WLM
 * configuration (read from the superuser views every {@link WLM_LOOKUP_REFRESH_MS}) and the user's
 * groups: no system-table read per statement. It answers nothing until the first read completes
 * (started by the first statement, never waited for), and nothing when the views cannot be read
 * (a user who is not a superuser): `unavailable` is told once.
 *
 * What it cannot see: a query group set by the caller's own `SET query_group` SQL, short query
 * acceleration and query monitoring rules moving a query, and automatic WLM's own choices.
 *
 * @example
 * const lookup = new WlmQueueLookup(runSql, (e) => log.warn(e.message))
 * lookup.queueFor('etl') // undefined at first; { name: 'etl', serviceClass: 6 } once read
 */
export class WlmQueueLookup {
  readonly #run: SqlRunner
  readonly #unavailable: (error: unknown) => void
  readonly #refreshMs: number
  #loaded: Loaded | undefined
  #readAt = Number.NEGATIVE_INFINITY
  #reading: Promise<void> | undefined
  #told = false

  constructor(run: SqlRunner, unavailable: (error: unknown) => void, refreshMs = WLM_LOOKUP_REFRESH_MS) {
    this.#run = run
    this.#unavailable = unavailable
    this.#refreshMs = refreshMs
  }

  /** The queue for a statement with this query group; starts a read when there is none or it is old. */
  queueFor(queryGroup: string | undefined): RoutedQueue | undefined {
    if (this.#reading === undefined && performance.now() - this.#readAt >= this.#refreshMs)
      void this.refresh()
    const loaded = this.#loaded
    if (loaded === undefined) return undefined
    const key = queryGroup ?? '\u0000'
    if (loaded.routes.has(key)) return loaded.routes.get(key)
    const queue = routeToQueue(loaded.queues, {
      queryGroup,
      userGroups: loaded.userGroups,
      superuser: loaded.superuser,
    })
    const routed = queue === undefined ? undefined : { name: queue.name, serviceClass: queue.serviceClass }
    // Query groups are few; the bound is for a caller that makes one per statement.
    if (loaded.routes.size < 256) loaded.routes.set(key, routed)
    return routed
  }

  /** Reads the configuration and the user's groups now (one read at a time). */
  refresh(): Promise<void> {
    // Started on the next microtask: the read's own statements ask for their queue too, and must find
    // this read already under way.
    this.#reading ??= Promise.resolve()
      .then(() => this.#read())
      .finally(() => {
        this.#readAt = performance.now()
        this.#reading = undefined
      })
    return this.#reading
  }

  async #read(): Promise<void> {
    try {
      const [queues, who] = await Promise.all([getQueueState(this.#run), this.#run(WHO_SQL)])
      const first = who[0]
      this.#loaded = {
        queues,
        superuser: first?.usesuper === true || text(first?.usesuper) === 't',
        userGroups: who.map((r) => text(r.groname)).filter((g) => g !== ''),
        routes: new Map(),
      }
    } catch (error) {
      this.#loaded = undefined
      // A client closed before the read ran is not a WLM problem to warn about.
      if (error instanceof PoolClosedError) return
      if (!this.#told) {
        this.#told = true
        this.#unavailable(error)
      }
    }
  }
}
