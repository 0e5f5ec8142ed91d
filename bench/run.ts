import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import { startLocalRedshift } from '../packages/local/src/index.js'
import { cliBench } from './cli.bench.js'
import { clientBench } from './client.bench.js'
import { copyBench } from './copy.bench.js'
import { dataApiBench } from './data-api.bench.js'
import { dataApiClientBench } from './data-api-client.bench.js'
import { gatewayBench } from './gateway.bench.js'
import { type BenchReport, renderReport } from './harness.js'
import { movementBench } from './movement.bench.js'
import { observabilityBench } from './observability.bench.js'
import { s3Bench } from './s3.bench.js'
import { spectrumBench } from './spectrum.bench.js'
import { startupBench } from './startup.bench.js'
import { streamBench } from './stream.bench.js'

/**
 * `npm run bench`: every benchmark against its baseline, in one run on one machine, written to
 * docs/benchmarks.md. Not a test: numbers are reported, never asserted.
 */
const BENCHES = {
  startup: startupBench,
  gateway: gatewayBench,
  stream: streamBench,
  client: clientBench,
  copy: copyBench,
  spectrum: spectrumBench,
  observability: observabilityBench,
  'data-api': dataApiBench,
  'data-api-client': dataApiClientBench,
  cli: cliBench,
  s3: s3Bench,
  movement: movementBench,
}

/** `npm run bench` runs them all; `npm run bench -- gateway client` runs those (figures printed, file untouched). */
async function main(): Promise<void> {
  const names = process.argv.slice(2)
  const unknown = names.filter((n) => !(n in BENCHES))
  if (unknown.length)
    throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`)
  const selected = names.length
    ? names.map((n) => BENCHES[n as keyof typeof BENCHES])
    : Object.values(BENCHES)
  const reports: BenchReport[] = []
  if (selected.includes(startupBench)) {
    const report = await startupBench()
    process.stdout.write(`${renderReport(report)}\n\n`)
    reports.push(report)
  }
  const redshift = await startLocalRedshift({ tls: false })
  try {
    for (const bench of selected.filter((b) => b !== startupBench) as ((
      r: typeof redshift,
    ) => Promise<BenchReport>)[]) {
      const report = await bench(redshift)
      process.stdout.write(`${renderReport(report)}\n\n`)
      reports.push(report)
    }
  } finally {
    await redshift.stop()
  }
  if (names.length) return
  const header = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
    'Each figure is measured against its baseline in the same run.',
    '',
  ]
  await writeFile(
    new URL('../docs/benchmarks.md', import.meta.url),
    `${header.join('\n')}\n${reports.map(renderReport).join('\n\n')}\n`,
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
