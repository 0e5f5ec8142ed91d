import type { Logger } from '../observability/logger.js'
import type { TelemetryOptions } from '../observability/telemetry-options.js'
import type { BulkheadOptions } from '../resilience/bulkhead.js'
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker.js'
import type { RateLimitOptions } from '../resilience/rate-limiter.js'
import type { RetryBudgetOptions } from '../resilience/retry-budget.js'
import type { SettingEntry, SettingKey } from './settings.js'

/**
 * The retry settings beyond `maxRetries` and `retryBackoff`.
 *
 * @example
 * RedshiftConfig.builder().retry({ maxRetries: 5, backoffMs: 200, maxBackoffMs: 5_000, budget: { ratio: 0.1 } })
 */
export interface RetryOptions {
  readonly maxRetries?: number
  readonly backoffMs?: number
  /** The longest wait between two attempts. @default 30000 */
  readonly maxBackoffMs?: number
  /** Caps retries to a share of the traffic (`false`: no cap). @default { ratio: 0.2, minPerSecond: 10 } */
  readonly budget?: RetryBudgetOptions | false
}

/**
 * The logger and the OpenTelemetry providers of a configuration. They are live objects (a pino
 * logger, an SDK's providers), so the configuration holds them here, out of reach of its deep freeze.
 */
export class ConfigHooks {
  readonly #logger: Logger | undefined
  readonly #telemetry: TelemetryOptions

  constructor(logger: Logger | undefined, telemetry: TelemetryOptions) {
    this.#logger = logger
    this.#telemetry = telemetry
  }

  /** The structured logger, if one was given. */
  get logger(): Logger | undefined {
    return this.#logger
  }

  /** The telemetry options (`{}`: the global OpenTelemetry providers when the API is installed). */
  get telemetry(): TelemetryOptions {
    return this.#telemetry
  }

  toJSON(): object {
    return { logger: this.#logger !== undefined, telemetry: this.#telemetry.enabled !== false }
  }
}

/** The validated policy and observability settings of a configuration. */
export interface PolicyConfigData {
  /** The circuit breaker; absent when off (`circuitBreakerThreshold(0)` or `circuitBreaker(false)`). */
  readonly circuitBreaker?: CircuitBreakerOptions
  readonly rateLimit?: RateLimitOptions
  readonly bulkhead?: BulkheadOptions
  readonly maxRetryBackoffMs: number
  readonly retryBudget: RetryBudgetOptions | false
  /** Statements slower than this are logged as `slow_query` (0: off). */
  readonly slowQueryThresholdMs: number
  readonly hooks: ConfigHooks
}

/** What {@link resolvePolicies} needs of the configuration resolver. */
export interface PolicyResolver {
  entry(key: SettingKey): SettingEntry | undefined
  problem(field: string, message: string, entry?: SettingEntry): void
  int(key: SettingKey, min: number, max: number, fallback: number): number
}

const MAX_MS = 2_147_483_647
const LEVELS = ['debug', 'info', 'warn', 'error'] as const

function plain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks named number fields of an options object, collecting a problem per bad one. */
function numbers(
  r: PolicyResolver,
  field: string,
  value: Record<string, unknown>,
  rules: Record<string, { min: number; max: number; integer?: boolean; required?: boolean }>,
): boolean {
  let ok = true
  for (const key of Object.keys(value)) {
    if (!(key in rules)) {
      r.problem(`${field}.${key}`, `is not an option of ${field}; use ${Object.keys(rules).join(', ')}`)
      ok = false
    }
  }
  for (const [key, rule] of Object.entries(rules)) {
    const v = value[key]
    if (v === undefined) {
      if (rule.required === true) {
        r.problem(`${field}.${key}`, 'is required')
        ok = false
      }
      continue
    }
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < rule.min ||
      v > rule.max ||
      (rule.integer !== false && !Number.isInteger(v))
    ) {
      const kind = rule.integer === false ? 'a number' : 'a whole number'
      r.problem(`${field}.${key}`, `must be ${kind} from ${rule.min} to ${rule.max}, got ${String(v)}`)
      ok = false
    }
  }
  return ok
}

function objectEntry(
  r: PolicyResolver,
  key: SettingKey,
  allowFalse: boolean,
): Record<string, unknown> | false | undefined {
  const e = r.entry(key)
  if (e === undefined) return undefined
  if (allowFalse && e.value === false) return false
  if (plain(e.value)) return e.value
  r.problem(key, `must be an options object${allowFalse ? ' or false' : ''}`, e)
  return undefined
}

function circuitBreakerOf(r: PolicyResolver, threshold: number): CircuitBreakerOptions | undefined {
  const given = objectEntry(r, 'circuitBreaker', true)
  if (given === false) return undefined
  if (given === undefined) return threshold > 0 ? { threshold } : undefined
  const { failureRate, ...rest } = given
  let ok = numbers(r, 'circuitBreaker', rest, {
    threshold: { min: 0, max: 1_000_000 },
    halfOpenAfterMs: { min: 1, max: MAX_MS },
  })
  if (failureRate !== undefined) {
    if (!plain(failureRate)) {
      r.problem('circuitBreaker.failureRate', 'must be { threshold, windowMs?, minimumCalls? }')
      ok = false
    } else {
      ok =
        numbers(r, 'circuitBreaker.failureRate', failureRate, {
          threshold: { min: 0.01, max: 0.99, integer: false, required: true },
          windowMs: { min: 1_000, max: MAX_MS },
          minimumCalls: { min: 1, max: 1_000_000 },
        }) && ok
    }
  }
  const consecutive = (rest.threshold as number | undefined) ?? threshold
  if (ok && consecutive === 0 && failureRate === undefined) {
    r.problem(
      'circuitBreaker',
      'opens on nothing: give threshold > 0 or failureRate, or use circuitBreaker(false)',
    )
    return undefined
  }
  return ok
    ? ({
        ...given,
        ...(plain(failureRate) ? { failureRate: { ...failureRate } } : {}),
        threshold: consecutive,
      } as CircuitBreakerOptions)
    : undefined
}

function loggerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return 'must be a logger with debug, info, warn and error methods'
  const missing = LEVELS.filter((l) => typeof (value as Record<string, unknown>)[l] !== 'function')
  return missing.length === 0
    ? undefined
    : `must have debug, info, warn and error methods taking (fields, message); missing ${missing.join(', ')}`
}

function telemetryOf(r: PolicyResolver): TelemetryOptions {
  const given = objectEntry(r, 'telemetry', true)
  if (given === false) return { enabled: false }
  if (given === undefined) return {}
  for (const key of Object.keys(given)) {
    if (!['tracerProvider', 'meterProvider', 'enabled', 'captureQueryText', 'wlmQueue'].includes(key)) {
      r.problem(
        `telemetry.${key}`,
        'is not an option of telemetry; use tracerProvider, meterProvider, enabled, captureQueryText, wlmQueue',
      )
    }
  }
  const provider = (key: string, method: string) => {
    const v = given[key]
    if (
      v !== undefined &&
      (typeof v !== 'object' || v === null || typeof (v as Record<string, unknown>)[method] !== 'function')
    ) {
      r.problem(
        `telemetry.${key}`,
        `must be an OpenTelemetry ${key === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (with ${method}())`,
      )
    }
  }
  provider('tracerProvider', 'getTracer')
  provider('meterProvider', 'getMeter')
  for (const key of ['enabled', 'captureQueryText', 'wlmQueue']) {
    if (given[key] !== undefined && typeof given[key] !== 'boolean')
      r.problem(`telemetry.${key}`, 'must be true or false')
  }
  return given as TelemetryOptions
}

/**
 * Resolves the policy and observability settings, collecting a problem for each bad field.
 */
export function resolvePolicies(r: PolicyResolver, circuitBreakerThreshold: number): PolicyConfigData {
  const rate = objectEntry(r, 'rateLimit', false)
  const rateOk =
    rate !== undefined &&
    rate !== false &&
    numbers(r, 'rateLimit', rate, {
      statementsPerSecond: { min: 0.001, max: 1_000_000, integer: false, required: true },
      burst: { min: 1, max: 1_000_000 },
      maxWaitMs: { min: 0, max: MAX_MS },
    })
  const bulkhead = objectEntry(r, 'bulkhead', false)
  const bulkheadOk =
    bulkhead !== undefined &&
    bulkhead !== false &&
    numbers(r, 'bulkhead', bulkhead, {
      maxConcurrent: { min: 1, max: 1_000_000, required: true },
      maxQueued: { min: 0, max: 1_000_000 },
    })
  const budget = objectEntry(r, 'retryBudget', true)
  const budgetOk =
    budget === false ||
    budget === undefined ||
    numbers(r, 'retry.budget', budget, {
      ratio: { min: 0, max: 100, integer: false },
      minPerSecond: { min: 0, max: 1_000_000, integer: false },
      windowMs: { min: 1_000, max: MAX_MS },
    })
  const loggerEntry = r.entry('logger')
  const loggerIssue = loggerEntry === undefined ? undefined : loggerProblem(loggerEntry.value)
  if (loggerIssue !== undefined) r.problem('logger', loggerIssue, loggerEntry)
  const breaker = circuitBreakerOf(r, circuitBreakerThreshold)
  return {
    ...(breaker === undefined ? {} : { circuitBreaker: breaker }),
    ...(rateOk ? { rateLimit: { ...rate } as unknown as RateLimitOptions } : {}),
    ...(bulkheadOk ? { bulkhead: { ...bulkhead } as unknown as BulkheadOptions } : {}),
    maxRetryBackoffMs: r.int('maxRetryBackoffMs', 0, MAX_MS, 30_000),
    retryBudget: budget === false ? false : budgetOk ? ({ ...budget } as RetryBudgetOptions) : {},
    slowQueryThresholdMs: r.int('slowQueryThresholdMs', 0, MAX_MS, 0),
    hooks: new ConfigHooks(
      loggerIssue === undefined ? (loggerEntry?.value as Logger | undefined) : undefined,
      telemetryOf(r),
    ),
  }
}
