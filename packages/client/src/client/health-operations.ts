import { classifyError } from '../errors/classify.js'
import type { PoolStats } from '../transport/pool-stats.js'
import type { ClientContext } from './client-context.js'
import type { ClientLifecycle } from './client-lifecycle.js'
import type { Diagnostics } from './diagnostics.js'
import type { HealthStatus } from './health-status.js'

/**
 * `RedshiftClient.healthCheck`: one `SELECT 1`, no pipeline (so no retries); never throws (a closed
 * client reports unhealthy). `poolStats` is the client's `getPoolStats`.
 */
export async function healthCheck(
  ctx: ClientContext,
  life: ClientLifecycle,
  poolStats: () => PoolStats,
): Promise<HealthStatus> {
  const startedAt = Date.now()
  const checkedAt = new Date()
  try {
    life.assertOpen()
    await life.track(() =>
      ctx.transport.execute({
        sql: 'SELECT 1',
        params: [],
        settings: { timeoutMs: null, queryGroup: null },
      }),
    )
    return { healthy: true, latencyMs: Date.now() - startedAt, checkedAt, pool: poolStats() }
  } catch (raw) {
    const error = classifyError(raw, { metadata: { transport: ctx.transport.name } })
    ctx.errors.add(error, 'health-check')
    return {
      healthy: false,
      latencyMs: Date.now() - startedAt,
      checkedAt,
      pool: poolStats(),
      error: { code: error.code, message: error.message },
    }
  }
}

/** `RedshiftClient.getDiagnostics`: the transport's report plus pool, settings and recent errors. */
export async function getDiagnostics(ctx: ClientContext, poolStats: () => PoolStats): Promise<Diagnostics> {
  const transport = await ctx.transport.diagnostics()
  const c = ctx.config
  return {
    ...transport,
    pool: poolStats(),
    settings: {
      poolSize: c.poolSize,
      minConnections: c.minConnections,
      connectionTimeoutMs: c.connectionTimeoutMs,
      idleTimeoutMs: c.idleTimeoutMs,
      maxLifetimeMs: c.maxLifetimeMs,
      defaultTimeoutMs: c.defaultTimeoutMs,
      maxQueryTimeoutMs: c.maxQueryTimeoutMs,
      maxRetries: c.maxRetries,
      retryBackoffMs: c.retryBackoffMs,
      queryGroup: ctx.queryGroup,
    },
    recentErrors: ctx.errors.list(),
    closed: ctx.isClosed(),
  }
}
