/** Redshift's queue assignment rules (the dialect's), for the local scheduler's queues. */
import { type RoutingInput, routeToQueue } from '@redshift-kit/dialect'
import type { WlmQueue } from './config.js'

export type { RoutingInput } from '@redshift-kit/dialect'

/**
 * The queue a statement goes to: a superuser with query group `superuser` goes to the superuser
 * queue; otherwise the first queue listing the user's group or the query group; otherwise the last.
 *
 * @example
 * routeStatement(queues, { queryGroup: 'etl', userGroups: [], superuser: false }).name // 'etl'
 */
export function routeStatement(queues: readonly WlmQueue[], input: RoutingInput): WlmQueue {
  const queue = routeToQueue(queues, input)
  if (queue === undefined) throw new Error('WLM has no user queue')
  return queue
}
