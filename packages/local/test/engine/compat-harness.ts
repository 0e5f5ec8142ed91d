import type pg from 'pg'
import { installCompat } from '../../src/engine/compat/index.js'
import { type Engine, startEngine } from '../../src/engine/engine.js'

/** One engine with database 'dev' and the compat schema installed (twice: it must be idempotent). */
export interface CompatFixture {
  readonly engine: Engine
  /** Superuser connection to 'dev'. */
  readonly db: pg.Client
  /** Milliseconds of the first (full) install and of the second (already installed) one. */
  readonly installMillis: readonly [first: number, second: number]
  stop(): Promise<void>
}

export async function startCompatFixture(): Promise<CompatFixture> {
  const engine = await startEngine()
  const admin = engine.client('postgres')
  await admin.connect()
  await admin.query('CREATE DATABASE dev')
  await admin.end()
  const db = engine.client('dev')
  await db.connect()
  let t = performance.now()
  await installCompat(db)
  const first = performance.now() - t
  t = performance.now()
  await installCompat(db)
  const second = performance.now() - t
  return {
    engine,
    db,
    installMillis: [first, second],
    async stop() {
      await db.end()
      await engine.stop()
    },
  }
}

/** Connects to 'dev' as `user` (created by the caller). */
export async function connectAs(engine: Engine, user: string): Promise<pg.Client> {
  const c = engine.client('dev', user)
  await c.connect()
  return c
}

/** The first row of a query, asserted to exist. */
export async function one<T extends pg.QueryResultRow = Record<string, unknown>>(
  c: pg.Client,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T> {
  const r = await c.query<T>(sql, params as unknown[])
  const row = r.rows[0]
  if (row === undefined) throw new Error(`no row from: ${sql}`)
  return row
}
