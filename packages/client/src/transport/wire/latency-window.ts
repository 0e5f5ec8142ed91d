import type { AcquireTimePercentiles } from '../pool-stats.js'

/**
 * The last `capacity` samples of a latency, kept in a ring so memory stays flat however long the
 * client lives; percentiles are computed when asked (rarely) rather than on every sample (often).
 */
export class LatencyWindow {
  readonly #samples: Float64Array
  #next = 0
  #count = 0

  constructor(capacity = 1024) {
    this.#samples = new Float64Array(capacity)
  }

  /** Records one sample, in milliseconds. */
  add(ms: number): void {
    this.#samples[this.#next] = ms
    this.#next = (this.#next + 1) % this.#samples.length
    if (this.#count < this.#samples.length) this.#count++
  }

  /** Nearest-rank percentiles of the samples held; zeros when there are none. */
  percentiles(): AcquireTimePercentiles {
    if (this.#count === 0) return { p50: 0, p95: 0, p99: 0 }
    const sorted = this.#samples.slice(0, this.#count).sort()
    const rank = (p: number): number => sorted[Math.min(this.#count - 1, Math.ceil(p * this.#count) - 1)] ?? 0
    return { p50: rank(0.5), p95: rank(0.95), p99: rank(0.99) }
  }
}
