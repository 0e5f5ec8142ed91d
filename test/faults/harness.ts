/**
 * What every fault scenario shares: a local Redshift of its own, clients pointed at it (directly or
 * through a fault proxy), a direct line to its engine to count sessions, and the figures each
 * scenario records for the suite's report (`docs/reliability.md`).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, type RedshiftClient, RedshiftConfig } from '@redshift-kit/client'
import { type LocalRedshift, type LocalRedshiftOptions, startLocalRedshift } from '@redshift-kit/local'
import pg from 'pg'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    faultFiguresDir: string
  }
}

export const ADMIN = { name: 'awsuser', password: 'Fault-Admin-pw-7731' } as const
export const ANALYST = { name: 'analyst', password: 'Fault-Analyst-pw-4410' } as const

/** Starts a local Redshift for one scenario file: TLS off (the scenarios are about faults, not TLS). */
export function startServer(options: LocalRedshiftOptions = {}): Promise<LocalRedshift> {
  return startLocalRedshift({
    tls: false,
    users: [
      { name: ADMIN.name, password: ADMIN.password, superuser: true },
      { name: ANALYST.name, password: ANALYST.password },
    ],
    ...options,
  })
}

/** A client as the admin user at `host:port` (the server, or a proxy in front of it). */
export function clientAt(
  at: { readonly host: string; readonly port: number },
  configure: (b: ReturnType<typeof RedshiftConfig.builder>) => ReturnType<typeof RedshiftConfig.builder> = (
    b,
  ) => b,
): RedshiftClient {
  return createClient(
    configure(
      RedshiftConfig.builder()
        .endpoint(at.host, at.port, 'dev')
        .withDatabaseAuth(ADMIN.name, ADMIN.password)
        .sslMode('disable'),
    ).build(),
  )
}

/** A `pg` client straight to the engine, as its superuser: what the gateway's users cannot see. */
export async function engineClient(server: LocalRedshift): Promise<pg.Client> {
  const e = server.engine
  const client = new pg.Client({
    host: e.host,
    port: e.port,
    user: e.user,
    password: e.password,
    database: 'dev',
  })
  // The server-kill scenario kills the engine under this session: its FATAL arrives as an 'error'
  // event, which without a listener would be an uncaught exception in the test run.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Sessions the engine has for gateway users (the gateway's own bookkeeping sessions excluded). */
export async function userSessions(engine: pg.Client, user = ADMIN.name): Promise<number> {
  const r = await engine.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    [user],
  )
  return Number(r.rows[0]?.n ?? 0)
}

/** What a scenario reports: every count is asserted by the scenario, and printed by the suite. */
export interface Figures {
  readonly scenario: string
  /** Operations, inputs or connections tried. */
  readonly cases: number
  /** Cases that failed when they should not have (0 for a pass). */
  readonly failures: number
  readonly leakedConnections?: number
  readonly lostRows?: number
  readonly duplicatedRows?: number
  readonly secretsFound?: number
  readonly hangs?: number
  /** Anything else worth a line: expected failures, timings. */
  readonly notes?: string
  readonly durationMs: number
}

/** Records a scenario's figures for the suite's report, and prints them. */
export function recordFigures(figures: Figures): void {
  const dir = inject('faultFiguresDir')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${figures.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`)
  writeFileSync(file, JSON.stringify(figures, null, 2))
  console.log(`[faults] ${JSON.stringify(figures)}`)
}

/** Milliseconds since `t0` (a `performance.now()`), rounded. */
export function since(t0: number): number {
  return Math.round(performance.now() - t0)
}

/** Settles `promise` within `ms`, or reports a hang. */
export async function within<T>(
  ms: number,
  promise: Promise<T>,
): Promise<{ hung: true } | { hung: false; value: T }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<{ hung: true }>((resolve) => {
    timer = setTimeout(() => resolve({ hung: true }), ms)
  })
  try {
    return await Promise.race([promise.then((value) => ({ hung: false as const, value })), timeout])
  } finally {
    clearTimeout(timer)
  }
}
