import { performance } from 'node:perf_hooks'

/** One benchmark's outcome: a titled markdown section for docs/benchmarks.md. */
export interface BenchReport {
  readonly title: string
  /** Rows of the figures table: what was measured, ours, the baseline, the ratio, the goal, met or not. */
  readonly rows: readonly BenchRow[]
  readonly notes?: readonly string[]
}

export interface BenchRow {
  readonly measure: string
  readonly ours: string
  readonly baseline: string
  readonly ratio: number
  readonly goal: string
  readonly met: boolean
}

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

/** Runs `op` `count` times one after another and returns each latency in ms, sorted. */
export async function latencies(count: number, op: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await op()
    samples.push(performance.now() - t0)
  }
  return samples.sort((a, b) => a - b)
}

/**
 * Measures two contenders in alternating rounds, so drift of the machine (other processes, CPU
 * frequency) falls on both alike. Returns the samples of each, sorted.
 */
export async function alternate(
  rounds: number,
  perRound: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const as: number[] = []
  const bs: number[] = []
  for (let r = 0; r < rounds; r++) {
    as.push(...(await latencies(perRound, a)))
    bs.push(...(await latencies(perRound, b)))
  }
  return { a: as.sort((x, y) => x - y), b: bs.sort((x, y) => x - y) }
}

export function ms(value: number): string {
  return `${value.toFixed(3)} ms`
}

export function perSecond(value: number, unit: string): string {
  return `${Math.round(value).toLocaleString('en-US')} ${unit}/s`
}

export function renderReport(report: BenchReport): string {
  const lines = [
    `## ${report.title}`,
    '',
    '| measure | ours | baseline | ratio | goal | met |',
    '|---|---|---|---|---|---|',
    ...report.rows.map(
      (r) =>
        `| ${r.measure} | ${r.ours} | ${r.baseline} | ${r.ratio.toFixed(2)}x | ${r.goal} | ${r.met ? 'yes' : 'no'} |`,
    ),
  ]
  if (report.notes?.length) lines.push('', ...report.notes.map((n) => `- ${n}`))
  return lines.join('\n')
}
