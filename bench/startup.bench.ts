import { performance } from 'node:perf_hooks'
import { startEngine } from '../packages/local/src/engine/engine.js'
import { generateCertificates } from '../packages/local/src/gateway/index.js'
import { startLocalRedshift } from '../packages/local/src/index.js'
import { type BenchReport, ms, percentile } from './harness.js'

const RUNS = 5

async function timed(op: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await op()
  return performance.now() - t0
}

/**
 * How long a local Redshift takes to start (a fresh temporary cluster each time, TLS and the AWS
 * endpoint on, as the defaults are), against the embedded engine alone, on a warm machine.
 */
export async function startupBench(): Promise<BenchReport> {
  // Warm-up: the first start of a process pays for reading the binaries from disk.
  await (await startLocalRedshift()).stop()
  const full: number[] = []
  const engineOnly: number[] = []
  const certs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    let redshift: Awaited<ReturnType<typeof startLocalRedshift>> | undefined
    full.push(await timed(async () => (redshift = await startLocalRedshift())))
    await redshift?.stop()
    let engine: Awaited<ReturnType<typeof startEngine>> | undefined
    engineOnly.push(await timed(async () => (engine = await startEngine())))
    await engine?.stop()
    certs.push(await timed(() => generateCertificates(['127.0.0.1'])))
  }
  for (const s of [full, engineOnly, certs]) s.sort((a, b) => a - b)
  const fullMedian = percentile(full, 50)
  const engineMedian = percentile(engineOnly, 50)
  return {
    title: 'Local Redshift start-up',
    rows: [
      {
        measure: `startLocalRedshift() on a warm machine, median of ${RUNS} (fresh temporary cluster: initdb, compat schema, TLS, AWS endpoint)`,
        ours: ms(fullMedian),
        baseline: `${ms(engineMedian)} (embedded engine alone)`,
        ratio: fullMedian / engineMedian,
        goal: '< 3 s',
        met: fullMedian < 3000,
      },
      {
        measure: `TLS CA and server certificate generation, median of ${RUNS}`,
        ours: ms(percentile(certs, 50)),
        baseline: '(part of the start-up above)',
        ratio: percentile(certs, 50) / fullMedian,
        goal: '(informative)',
        met: true,
      },
    ],
  }
}
