import { CircuitState, ConsecutiveBreaker, type IBreaker, SamplingBreaker } from 'cockatiel'

/**
 * Opens the circuit when either rule trips: `consecutive` failures in a row, or a failure rate above
 * `rate.threshold` over `rate.windowMs` once at least `rate.minimumCalls` calls were seen there.
 * Both are cockatiel's own breakers; this only asks both and keeps their counts in step.
 */
export class CompositeBreaker implements IBreaker {
  readonly #consecutive: ConsecutiveBreaker | undefined
  readonly #rate: SamplingBreaker | undefined

  constructor(
    consecutive: number,
    rate?: { readonly threshold: number; readonly windowMs: number; readonly minimumCalls: number },
  ) {
    this.#consecutive = consecutive > 0 ? new ConsecutiveBreaker(consecutive) : undefined
    this.#rate =
      rate === undefined
        ? undefined
        : new SamplingBreaker({
            threshold: rate.threshold,
            duration: rate.windowMs,
            minimumRps: rate.minimumCalls / (rate.windowMs / 1000),
          })
  }

  get state(): unknown {
    return { consecutive: this.#consecutive?.state, rate: this.#rate?.state }
  }

  set state(value: unknown) {
    const v = value as { consecutive?: unknown; rate?: unknown }
    if (this.#consecutive !== undefined) this.#consecutive.state = Number(v.consecutive ?? 0)
    if (this.#rate !== undefined) this.#rate.state = v.rate
  }

  success(state: CircuitState): void {
    this.#consecutive?.success()
    this.#rate?.success(state)
  }

  failure(state: CircuitState): boolean {
    // Both must hear every failure, so neither short-circuits the other.
    const a = this.#consecutive?.failure() ?? false
    const b = this.#rate?.failure(state) ?? false
    return a || b || state === CircuitState.HalfOpen
  }

  /** Failures in a row right now (0 without the consecutive rule). */
  get consecutiveFailures(): number {
    return this.#consecutive?.state ?? 0
  }
}
