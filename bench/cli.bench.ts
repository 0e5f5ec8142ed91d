import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'
import { streamSql } from './stream.bench.js'

/** Rows exported (`CLI_BENCH_ROWS` overrides, e.g. for a quick run). */
const ROWS = Number(process.env.CLI_BENCH_ROWS ?? 10_000_000)
const root = fileURLToPath(new URL('..', import.meta.url))

/** Peak resident set size of a running process, from /proc (Linux), in MB; 0 elsewhere. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

/** Runs a built Node program, stdout to `out`, and returns its wall time and peak RSS. */
async function measure(args: readonly string[], out: string): Promise<{ seconds: number; rssMb: number }> {
  const file = createWriteStream(out)
  await new Promise((resolve) => file.once('open', resolve))
  const t0 = process.hrtime.bigint()
  const child = spawn(process.execPath, [...args], {
    cwd: root,
    stdio: ['ignore', file, 'inherit'],
  })
  let rssMb = 0
  const poll = setInterval(() => {
    void peakRssMb(child.pid as number).then((v) => {
      rssMb = Math.max(rssMb, v)
    })
  }, 50)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearInterval(poll)
  file.close()
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`)
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rssMb }
}

async function build(): Promise<void> {
  const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error('npm run build failed')
}

/**
 * `redshift-kit query ... --format csv > file` against the same rows read by a script with
 * streamResults (the CLI writes every row as CSV on top): rows/s of each, and the CLI's peak RSS.
 */
export async function cliBench(redshift: LocalRedshift): Promise<BenchReport> {
  const url = `${redshift.url()}?sslmode=disable`
  const out = path.join(os.tmpdir(), `rk-cli-bench-${process.pid}.csv`)
  try {
    // What users run: the packages built with tsc (`npm run build`), started with plain node.
    await build()
    const script = await measure(['bench/cli-stream-script.mjs', url, streamSql(ROWS)], out)
    const cli = await measure(
      ['packages/cli/dist/bin.js', 'query', streamSql(ROWS), '--url', url, '--format', 'csv'],
      out,
    )
    const scriptRate = ROWS / script.seconds
    const cliRate = ROWS / cli.seconds
    const ratio = cliRate / scriptRate
    return {
      title: `redshift-kit query to a CSV file (${ROWS.toLocaleString('en-US')} mixed-type rows)`,
      rows: [
        {
          measure: 'rows/s, `redshift-kit query --format csv > file` vs a script reading streamResults',
          ours: `${Math.round(cliRate).toLocaleString('en-US')} rows/s`,
          baseline: `${Math.round(scriptRate).toLocaleString('en-US')} rows/s`,
          ratio: Math.round(ratio * 100) / 100,
          goal: '≥ 0.8x',
          met: ratio >= 0.8,
        },
        {
          measure: 'peak RSS of the redshift-kit process',
          ours: `${cli.rssMb} MB`,
          baseline: `${script.rssMb} MB (script)`,
          ratio: Math.round((cli.rssMb / Math.max(script.rssMb, 1)) * 100) / 100,
          goal: '< 120 MB',
          met: cli.rssMb < 120,
        },
      ],
      notes: [
        'Both run from the built packages (tsc) as processes of their own, start-up included; the CLI also formats and writes every row as CSV.',
      ],
    }
  } finally {
    await rm(out, { force: true })
  }
}
