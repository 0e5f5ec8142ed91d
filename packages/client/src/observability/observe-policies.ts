import type { ResilienceEvents } from '../resilience/resilience.js'
import type { ClientTelemetry } from './client-telemetry.js'
import { type ClientLog, errorFields } from './logger.js'

/**
 * The policies' events as metrics (retries, rejections, breaker opens) and log lines (retry,
 * policy_rejected, circuit_open / circuit_half_open / circuit_closed).
 *
 * @example
 * const resilience = new Resilience(settings, observePolicies(telemetry, log))
 */
export function observePolicies(
  telemetry: ClientTelemetry | undefined,
  log: ClientLog | undefined,
): ResilienceEvents {
  const base = telemetry?.baseAttributes ?? {}
  return {
    onRetry: (event) => {
      telemetry?.counters.retries.add(1, {
        ...base,
        'redshift.operation': event.operation,
        'redshift.retry.reason': event.reason,
      })
      log?.write(
        'warn',
        'retry',
        {
          operation: event.operation,
          attempt: event.attempt,
          reason: event.reason,
          delayMs: event.delayMs,
          error: errorFields(event.error),
        },
        `retrying ${event.operation} in ${event.delayMs} ms (attempt ${event.attempt} failed: ${event.reason})`,
      )
    },
    onRejected: (policy, operation) => {
      telemetry?.counters.rejections.add(1, { ...base, 'redshift.policy': policy })
      log?.write(
        'warn',
        'policy_rejected',
        { policy, operation },
        `${operation} refused by the ${policy} policy`,
      )
    },
    onCircuitTransition: (t) => {
      if (t.to === 'open') {
        telemetry?.counters.breakerOpens.add(1, {
          'server.address': telemetry.target.host,
          'server.port': telemetry.target.port,
        })
      }
      const fields = {
        endpoint: t.endpoint,
        from: t.from,
        to: t.to,
        ...(t.nextProbeAt === undefined ? {} : { nextProbeAt: new Date(t.nextProbeAt).toISOString() }),
        ...(t.cause === undefined ? {} : { error: errorFields(t.cause) }),
      }
      if (t.to === 'open') {
        log?.write(
          'error',
          'circuit_open',
          fields,
          `circuit breaker for ${t.endpoint} opened: calls fail fast until the next probe`,
        )
      } else if (t.to === 'half-open') {
        log?.write(
          'info',
          'circuit_half_open',
          fields,
          `circuit breaker for ${t.endpoint} half-open: probing`,
        )
      } else {
        log?.write(
          'info',
          'circuit_closed',
          fields,
          `circuit breaker for ${t.endpoint} closed: endpoint healthy again`,
        )
      }
    },
  }
}
