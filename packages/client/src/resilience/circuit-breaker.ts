import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleWhen,
} from 'cockatiel'
import { classifyError } from '../errors/classify.js'
import { CircuitOpenError } from '../errors/connection-errors.js'
import { isRedshiftError } from '../errors/redshift-error.js'
import { CompositeBreaker } from './composite-breaker.js'

/**
 * The circuit breaker of a client's endpoint. Only failures that say the endpoint is unwell count:
 * connections that cannot be opened or break (`fault: 'network'`); a syntax error, a permission
 * error or a timeout of one slow query does not.
 *
 * @example
 * RedshiftConfig.builder().circuitBreaker({ threshold: 5, halfOpenAfterMs: 10_000 })
 * RedshiftConfig.builder().circuitBreaker({ threshold: 5, failureRate: { threshold: 0.5, windowMs: 30_000, minimumCalls: 20 } })
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (0: this rule off). @default 5 */
  readonly threshold?: number
  /** Also open when this share of calls failed over the window (at least `minimumCalls` calls in it). */
  readonly failureRate?: {
    /** Between 0 and 1 (exclusive). */
    readonly threshold: number
    /** @default 30000 */
    readonly windowMs?: number
    /** @default 20 */
    readonly minimumCalls?: number
  }
  /** How long the circuit stays open before one probe call is let through. @default 10000 */
  readonly halfOpenAfterMs?: number
}

/** A breaker's state, as `getDiagnostics()` and the metrics report it. */
export type CircuitStateName = 'closed' | 'open' | 'half-open'

/**
 * A snapshot of one endpoint's breaker.
 *
 * @example
 * const { state, nextProbeAt } = (await client.getDiagnostics()).resilience.circuitBreaker!
 */
export interface CircuitBreakerState {
  /** `host:port` of the endpoint. */
  readonly endpoint: string
  readonly state: CircuitStateName
  /** Failures in a row now. */
  readonly consecutiveFailures: number
  /** When the circuit last opened (epoch ms), while open or half-open. */
  readonly openedAt?: number
  /** When the next probe call is let through (epoch ms), while open. */
  readonly nextProbeAt?: number
  /** Times the circuit opened since the client started. */
  readonly opens: number
  readonly rejected: number
}

/** One change of a breaker's state, for logs and metrics. */
export interface CircuitTransition {
  readonly endpoint: string
  readonly from: CircuitStateName
  readonly to: CircuitStateName
  /** While opening: when it will probe (epoch ms). */
  readonly nextProbeAt?: number
  /** While opening: the failure that tripped it. */
  readonly cause?: unknown
}

const NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
}

/**
 * Whether a failure counts against the endpoint: a connection that could not be opened (refused,
 * timed out, TLS or authentication transport failures, "cannot connect now"). A session lost once
 * open does not: when the server ends sessions (pg_terminate_backend, a restart) every statement in
 * flight on them fails at once, a burst that says nothing of whether the next connect works, and
 * the reconnects that follow say it. A server that went away fails those reconnects and opens the
 * breaker then.
 *
 * @example
 * isEndpointFailure(new ConnectionFailedError('connect ECONNREFUSED')) // true
 * isEndpointFailure(new ConnectionLostError('terminating connection due to administrator command')) // false
 */
export function isEndpointFailure(raw: unknown): boolean {
  const error = isRedshiftError(raw) ? raw : classifyError(raw)
  return error.code === 'CONNECTION_FAILED'
}

/**
 * One endpoint's circuit breaker, built on cockatiel's `CircuitBreakerPolicy` (closed -> open after
 * failures -> half-open after `halfOpenAfterMs`, where one probe decides). While open, calls fail at
 * once with `CircuitOpenError`, whose `retryAfterMs` says when the next probe is let through.
 *
 * @example
 * const breaker = new EndpointCircuitBreaker('cluster.example.com:5439', { threshold: 5 })
 * await breaker.execute(() => send(), signal)
 */
export class EndpointCircuitBreaker {
  readonly endpoint: string
  readonly #policy: CircuitBreakerPolicy
  readonly #breaker: CompositeBreaker
  readonly #halfOpenAfterMs: number
  readonly #now: () => number
  #state: CircuitStateName = 'closed'
  #openedAt: number | undefined
  #opens = 0
  #rejected = 0

  constructor(
    endpoint: string,
    options: CircuitBreakerOptions,
    onTransition: (transition: CircuitTransition) => void = () => undefined,
    now: () => number = Date.now,
  ) {
    this.endpoint = endpoint
    this.#halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000
    this.#now = now
    const rate = options.failureRate
    this.#breaker = new CompositeBreaker(
      options.threshold ?? 5,
      rate === undefined
        ? undefined
        : {
            threshold: rate.threshold,
            windowMs: rate.windowMs ?? 30_000,
            minimumCalls: rate.minimumCalls ?? 20,
          },
    )
    this.#policy = circuitBreaker(handleWhen(isEndpointFailure), {
      halfOpenAfter: this.#halfOpenAfterMs,
      breaker: this.#breaker,
    })
    let cause: unknown
    this.#policy.onBreak((reason) => {
      cause = 'error' in reason ? reason.error : undefined
    })
    this.#policy.onStateChange((next) => {
      const from = this.#state
      const to = NAMES[next]
      this.#state = to
      if (to === 'open') {
        this.#openedAt = this.#now()
        this.#opens++
      }
      if (to === 'closed') this.#openedAt = undefined
      const nextProbeAt = to === 'open' ? this.#nextProbeAt() : undefined
      onTransition({
        endpoint,
        from,
        to,
        ...(nextProbeAt === undefined ? {} : { nextProbeAt, cause }),
      })
    })
  }

  /** Runs `fn` through the breaker; `CircuitOpenError` at once while the circuit is open. */
  async execute<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#state === 'open') {
      const waitMs = (this.#nextProbeAt() ?? 0) - this.#now()
      if (waitMs > 0) throw this.#openError(waitMs)
    }
    try {
      return await this.#policy.execute(fn, signal)
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw this.#openError(Math.max(0, (this.#nextProbeAt() ?? this.#now()) - this.#now()))
      }
      throw error
    }
  }

  snapshot(): CircuitBreakerState {
    const nextProbeAt = this.#state === 'open' ? this.#nextProbeAt() : undefined
    return {
      endpoint: this.endpoint,
      state: this.#state,
      consecutiveFailures: this.#breaker.consecutiveFailures,
      ...(this.#openedAt === undefined ? {} : { openedAt: this.#openedAt }),
      ...(nextProbeAt === undefined ? {} : { nextProbeAt }),
      opens: this.#opens,
      rejected: this.#rejected,
    }
  }

  #nextProbeAt(): number | undefined {
    return this.#openedAt === undefined ? undefined : this.#openedAt + this.#halfOpenAfterMs
  }

  #openError(retryAfterMs: number): CircuitOpenError {
    this.#rejected++
    return new CircuitOpenError(
      `circuit breaker for ${this.endpoint} is ${this.#state} after repeated connection failures; ` +
        `the next probe is in ${retryAfterMs} ms (nothing was sent)`,
      { retryAfterMs },
    )
  }
}
