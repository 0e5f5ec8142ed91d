import { linkedSignal } from '../transport/abort-hub.js'
import { Bulkhead, type BulkheadOptions, type BulkheadState } from './bulkhead.js'
import {
  type CircuitBreakerOptions,
  type CircuitBreakerState,
  type CircuitTransition,
  EndpointCircuitBreaker,
} from './circuit-breaker.js'
import { type RateLimiterState, type RateLimitOptions, TokenBucket } from './rate-limiter.js'
import type { RetryCall } from './retry-decision.js'
import { type RetryEvent, RetryPolicy, type RetryRefusal, type RetrySettings } from './retry-policy.js'

/** The policies of one client; each one absent is off. */
export interface ResilienceSettings {
  /** `host:port` the breaker guards. */
  readonly endpoint: string
  readonly retry: RetrySettings
  readonly circuitBreaker?: CircuitBreakerOptions | undefined
  readonly rateLimit?: RateLimitOptions | undefined
  readonly bulkhead?: BulkheadOptions | undefined
}

/** Which policy refused a statement. */
export type PolicyName = 'circuit-breaker' | 'rate-limit' | 'bulkhead' | 'retry-budget'

/** What the policies tell observers (logs, metrics). Every callback is optional and must not throw. */
export interface ResilienceEvents {
  readonly onRetry?: (event: RetryEvent & { readonly operation: string }) => void
  readonly onRejected?: (policy: PolicyName, operation: string) => void
  readonly onCircuitTransition?: (transition: CircuitTransition) => void
}

/** One statement, as the policies see it. */
export interface PolicyCall extends RetryCall {
  readonly operation: string
  readonly signal?: AbortSignal | undefined
  /** Per-call options; `retry: false` (or `{ maxRetries }`) overrides the retry settings. */
  readonly options?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The state of every policy, as `getDiagnostics().resilience` reports it.
 *
 * @example
 * const { circuitBreaker, rateLimiter, bulkhead, retry } = (await client.getDiagnostics()).resilience
 */
export interface ResilienceState {
  readonly retry: {
    readonly maxRetries: number
    readonly retries: number
    readonly budgetRefusals: number
    readonly budgetRemaining?: number
  }
  readonly circuitBreaker?: CircuitBreakerState
  readonly rateLimiter?: RateLimiterState
  readonly bulkhead?: BulkheadState
}

/**
 * The client's policies around each statement, in this order: the bulkhead admits it (a slot for
 * the whole statement, retries included), then each attempt takes a rate-limit token and passes the
 * circuit breaker before it is sent; failed attempts are retried as {@link RetryPolicy} allows.
 *
 * @example
 * const policies = new Resilience({ endpoint: 'h:5439', retry: { maxRetries: 3, backoffMs: 100 }, bulkhead: { maxConcurrent: 4 } })
 * const rows = await policies.run({ operation: 'query', idempotent: true, inTransaction: false }, () => send())
 */
export class Resilience {
  readonly #retry: RetryPolicy
  readonly #breaker: EndpointCircuitBreaker | undefined
  readonly #limiter: TokenBucket | undefined
  readonly #bulkhead: Bulkhead | undefined
  readonly #events: ResilienceEvents
  /** The operation the bulkhead is deciding on (its reject event carries none). */
  #rejecting = ''

  constructor(settings: ResilienceSettings, events: ResilienceEvents = {}, now: () => number = Date.now) {
    this.#events = events
    this.#retry = new RetryPolicy(settings.retry, Math.random, now)
    this.#breaker =
      settings.circuitBreaker === undefined
        ? undefined
        : new EndpointCircuitBreaker(
            settings.endpoint,
            settings.circuitBreaker,
            (t) => events.onCircuitTransition?.(t),
            now,
          )
    this.#limiter = settings.rateLimit === undefined ? undefined : new TokenBucket(settings.rateLimit, now)
    this.#bulkhead =
      settings.bulkhead === undefined
        ? undefined
        : new Bulkhead(settings.bulkhead, () => events.onRejected?.('bulkhead', this.#rejecting))
  }

  /** Whether any policy is on (when none is, the executor may skip this layer). */
  get active(): boolean {
    return (
      this.#retry.settings.maxRetries > 0 ||
      this.#breaker !== undefined ||
      this.#limiter !== undefined ||
      this.#bulkhead !== undefined
    )
  }

  run<T>(call: PolicyCall, send: () => Promise<T>): Promise<T> {
    if (call.signal === undefined) return this.#run(call, send)
    // The policies (cockatiel's among them) listen to the signal: on a signal of this call's own.
    const linked = linkedSignal(call.signal)
    return this.#run({ ...call, signal: linked.signal }, send).finally(linked.release)
  }

  #run<T>(call: PolicyCall, send: () => Promise<T>): Promise<T> {
    const bulkhead = this.#bulkhead
    if (bulkhead === undefined) return this.#withRetry(call, send)
    this.#rejecting = call.operation
    return bulkhead.execute(() => this.#withRetry(call, send), call.signal)
  }

  state(): ResilienceState {
    return {
      retry: { maxRetries: this.#retry.settings.maxRetries, ...this.#retry.stats() },
      ...(this.#breaker === undefined ? {} : { circuitBreaker: this.#breaker.snapshot() }),
      ...(this.#limiter === undefined ? {} : { rateLimiter: this.#limiter.state() }),
      ...(this.#bulkhead === undefined ? {} : { bulkhead: this.#bulkhead.state() }),
    }
  }

  #withRetry<T>(call: PolicyCall, send: () => Promise<T>): Promise<T> {
    const override = call.options?.retry
    const maxRetries =
      override === false
        ? 0
        : typeof override === 'object' && override !== null
          ? (override as { readonly maxRetries?: number }).maxRetries
          : undefined
    if ((maxRetries ?? this.#retry.settings.maxRetries) === 0) return this.#attempt(call, send)
    return this.#retry.run(call, () => this.#attempt(call, send), {
      signal: call.signal,
      maxRetries,
      onRetry: (event) => this.#events.onRetry?.({ ...event, operation: call.operation }),
      onRefused: (_: RetryRefusal) => this.#events.onRejected?.('retry-budget', call.operation),
    })
  }

  async #attempt<T>(call: PolicyCall, send: () => Promise<T>): Promise<T> {
    if (this.#limiter !== undefined) {
      try {
        const wait = this.#limiter.take(call.signal)
        if (wait !== undefined) await wait
      } catch (error) {
        if (isPolicyRefusal(error, 'RATE_LIMITED')) this.#events.onRejected?.('rate-limit', call.operation)
        throw error
      }
    }
    if (this.#breaker === undefined) return send()
    try {
      return await this.#breaker.execute(send, call.signal)
    } catch (error) {
      if (isPolicyRefusal(error, 'CIRCUIT_OPEN')) this.#events.onRejected?.('circuit-breaker', call.operation)
      throw error
    }
  }
}

function isPolicyRefusal(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}
