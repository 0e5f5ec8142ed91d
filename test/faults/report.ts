/**
 * The fault suite's global setup and teardown: a fresh folder for the scenarios' figures before the
 * run, and after it a table of them printed and written to `docs/reliability.md` (with the date, the
 * machine, and whether every scenario passed).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import type { Figures } from './harness.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIGURES_DIR = join(ROOT, 'node_modules', '.cache', 'redshift-kit-faults')
const REPORT = join(ROOT, 'docs', 'reliability.md')

export function setup(project: TestProject): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true })
  mkdirSync(FIGURES_DIR, { recursive: true })
  project.provide('faultFiguresDir', FIGURES_DIR)
}

function cell(value: number | undefined): string {
  return value === undefined ? '–' : String(value)
}

export function teardown(): void {
  let files: string[] = []
  try {
    files = readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json'))
  } catch {
    return
  }
  const figures = files
    .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Figures)
    .sort((a, b) => a.scenario.localeCompare(b.scenario))
  if (figures.length === 0) return
  const sum = (pick: (f: Figures) => number | undefined) => figures.reduce((n, f) => n + (pick(f) ?? 0), 0)
  const rows = figures.map(
    (f) =>
      `| ${f.scenario} | ${f.cases} | ${f.failures} | ${cell(f.leakedConnections)} | ${cell(f.lostRows)} | ${cell(f.duplicatedRows)} | ${cell(f.secretsFound)} | ${cell(f.hangs)} | ${(f.durationMs / 1000).toFixed(1)} | ${f.notes ?? ''} |`,
  )
  const totals = `| **total** | ${sum((f) => f.cases)} | ${sum((f) => f.failures)} | ${sum((f) => f.leakedConnections)} | ${sum((f) => f.lostRows)} | ${sum((f) => f.duplicatedRows)} | ${sum((f) => f.secretsFound)} | ${sum((f) => f.hangs)} | ${(sum((f) => f.durationMs) / 1000).toFixed(1)} | |`
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const machine = `${type()} ${process.arch}, ${cpus().length} × ${cpu.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const table = [
    '| scenario | cases | failures | leaked connections | lost rows | duplicated rows | secrets found | hangs | seconds | notes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    totals,
  ].join('\n')
  console.log(`\nFault suite figures (${new Date().toISOString()}, ${machine}):\n${table}\n`)
  const doc = `# Reliability

The fault suite (\`npm run test:faults\`, config \`vitest.faults.config.ts\`, files in \`test/faults/\`)
attacks the client and the local Redshift the way a bad network, a crashing server and a hostile
peer would. Each scenario **asserts** its figures (0 failures, 0 leaked connections, 0 lost or
duplicated rows, 0 secrets found, 0 hangs), so a run that writes this file with a non-zero figure in
those columns has failed. \`.ci/run\` runs it after \`npm test\`.

What each scenario does:

- **fault proxy**: the TCP proxy the scenarios use (refuse, blackhole, stall, slow, drop, cut after N bytes) checked against an echo server.
- **server kill and restart**: the engine is killed (SIGKILL of the postmaster) while a writer inserts rows with unique ids; the local Redshift is restarted on the same data and port; every acknowledged row is there, none twice, and the client works again without being recreated.
- **backend termination**: \`pg_terminate_backend\` of every client session, repeatedly, under load: queries fail with a retryable error or succeed, the pool heals, nothing leaks.
- **credential expiry mid-pool**: IAM credentials (GetClusterCredentials on the local AWS endpoint) issued with a short lifetime and ended early, under steady load: no query fails.
- **timeouts and cancel under load**: statement timeouts and \`AbortSignal\` cancels of running \`pg_sleep\` queries among normal traffic: each cancelled call fails as cancelled, every other succeeds, sessions are reused.
- **10,000 concurrent queries on 10 connections**: every result matches its query, the pool never exceeds 10.
- **COPY and batch interrupted mid-flight**: the connection is cut after N bytes of a COPY and of a batch: each is all-or-nothing.
- **conflicting transactions with retry**: concurrent read-modify-write transactions on shared counters under SERIALIZABLE, retried on conflict: 0 lost updates.
- **gateway fuzzing**: random and adversarial protocol messages before and after authentication: the server survives and keeps serving.
- **builder and identifier fuzzing**: 100,000+ generated inputs to every COPY/UNLOAD builder method and to table names: one statement or a \`ValidationError\` naming the method.
- **secret-leak sweep**: passwords, keys and tokens used in every form, then searched for in errors, logs, diagnostics, recordings, and the local server's system views and logs.
- **stalls and resets**: a stalled server (a timeout and an \`AbortSignal\` settle the call, \`close()\` is bounded), a parameter-count mismatch (a \`ValidationError\`, connection kept), a query right after the server reset idle connections (goes out on a fresh one).
- **the local server masks secrets**: no secret in the local server's \`stl_query\`, \`sys_query_history\`, \`stv_recents\`, \`svl_statementtext\`, \`stl_querytext\` or its log.
- **timeouts and cancel under load, pipelined**: the same with every call on one client, so timed-out
  sleeps share pipelined connections with the traffic: a deadline that passes while the server is
  still working through the statements ahead fails only its own call, and the neighbours get their
  answers.

## Last run

${new Date().toISOString().slice(0, 10)}, on ${machine}. The machine is shared (two cores, several
other jobs): durations are indicative only.

${table}
`
  writeFileSync(REPORT, doc)
}
