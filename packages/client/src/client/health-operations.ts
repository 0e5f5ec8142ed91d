import { classifyError } from '../errors/classify.js'
import type { PoolStats } from '../transport/pool-stats.js'
import {
  assertCallOptions,
  type ClientContext,
  describeResult,
  settingsFor,
  transportCall,
} from './client-context.js'
import type { ClientLifecycle } from './client-lifecycle.js'
import type { CallOptions } from './client-options.js'
import type { Diagnostics } from './diagnostics.js'
import type { HealthStatus } from './health-status.js'

/** How long a health check waits for `SELECT 1` unless told otherwise. */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000

/**
 * `RedshiftClient.healthCheck`: one `SELECT 1` through the statement executor, never retried
 * (`retry: false`), bounded by `timeoutMs` (default 5 s) and the caller's signal; never throws (a
 * closed client reports unhealthy). `poolStats` is the client's `getPoolStats`.
 */
export async function healthCheck(
  ctx: ClientContext,
  life: ClientLifecycle,
  poolStats: () => PoolStats,
  options: CallOptions = {},
): Promise<HealthStatus> {
  const startedAt = Date.now()
  const checkedAt = new Date()
  try {
    life.assertOpen()
    assertCallOptions(options)
    const settings = {
      timeoutMs: settingsFor(ctx, {}, options).timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS,
      queryGroup: null,
    }
    const sql = 'SELECT 1'
    await life.track(() =>
      ctx.execute({
        operation: 'health',
        sql,
        params: [],
        settings,
        signal: options.signal,
        options: { ...options, retry: false },
        run: (call) => ctx.transport.execute({ sql, params: [], settings, ...transportCall(call) }),
        describe: describeResult,
      }),
    )
    return { healthy: true, latencyMs: Date.now() - startedAt, checkedAt, pool: poolStats() }
  } catch (raw) {
    const error = classifyError(raw, { metadata: { transport: ctx.transport.name } })
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
