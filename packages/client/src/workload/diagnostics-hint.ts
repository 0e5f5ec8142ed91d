import type { Diagnostics } from '../client/diagnostics.js'
import type { SqlRunner } from './sql-runner.js'
import { getQueueState, type PoolSizingHint, poolSizingHint } from './workload.js'

/**
 * `diagnostics` with `wlm`: the pool-sizing hint from the WLM queues, or null when the queues cannot
 * be read (a regular user, a closed client, an unreachable server). Never throws.
 */
export async function withPoolSizingHint(diagnostics: Diagnostics, run: SqlRunner): Promise<Diagnostics> {
  let wlm: PoolSizingHint | null = null
  if (!diagnostics.closed) {
    try {
      wlm = poolSizingHint(await getQueueState(run), diagnostics.settings.poolSize)
    } catch {
      wlm = null
    }
  }
  return { ...diagnostics, wlm }
}
