import { describe, expect, it } from 'vitest'
import { PoolClosedError } from '../errors/connection-errors.js'
import { PermissionDeniedError } from '../errors/query-errors.js'
import type { SqlRunner } from '../workload/sql-runner.js'
import { WlmQueueLookup } from './wlm-queue-lookup.js'

const QUEUES = [
  { service_class: 5, name: 'Superuser queue', num_query_tasks: 1, max_execution_time: 0 },
  { service_class: 6, name: 'etl', num_query_tasks: 2, max_execution_time: 0, query_group_wild_card: true },
  { service_class: 7, name: 'analysts', num_query_tasks: 3, max_execution_time: 0 },
  { service_class: 8, name: 'default', num_query_tasks: 5, max_execution_time: 0 },
]
const RULES = [
  { condition: '(query group: load*)', action_service_class: 6 },
  { condition: '(user group: analysts)', action_service_class: 7 },
]

/** A runner answering the lookup's three reads from tables above, as the user `groups` belongs to. */
function runner(groups: string[]): SqlRunner {
  return async (sql) => {
    if (sql.includes('stv_wlm_classification_config')) return RULES
    if (sql.includes('stv_wlm_service_class_config')) return QUEUES
    return groups.length === 0
      ? [{ usesuper: false, groname: null }]
      : groups.map((g) => ({ usesuper: false, groname: g }))
  }
}

describe('WlmQueueLookup', () => {
  it("routes by Redshift's rules once read, and answers nothing before", async () => {
    const lookup = new WlmQueueLookup(runner(['analysts']), () => undefined)
    expect(lookup.queueFor('load_nightly')).toBeUndefined()
    await lookup.refresh()
    expect(lookup.queueFor('load_nightly')).toEqual({ name: 'etl', serviceClass: 6 })
    expect(lookup.queueFor(undefined)).toEqual({ name: 'analysts', serviceClass: 7 })
    expect(new WlmQueueLookup(runner([]), () => undefined).queueFor('x')).toBeUndefined()
  })

  it('tells once that the views cannot be read, and nothing when the client was closed', async () => {
    const told: unknown[] = []
    const denied = new WlmQueueLookup(
      async () => {
        throw new PermissionDeniedError('no rows')
      },
      (e) => told.push(e),
      0,
    )
    await denied.refresh()
    await denied.refresh()
    expect(told).toHaveLength(1)
    const closed = new WlmQueueLookup(
      async () => {
        throw new PoolClosedError('the client is closed')
      },
      (e) => told.push(e),
    )
    await closed.refresh()
    expect(told).toHaveLength(1)
  })
})
