import pg from 'pg'
import { startEngine } from '../../../local/src/engine/engine.js'
import { RedshiftConfig, type RedshiftConfigBuilder } from '../../src/config/redshift-config.js'

/**
 * Where the integration tests connect, in one place. Today: the raw embedded PostgreSQL engine of
 * `@redshift-kit/local` (no Redshift gateway yet), with the two Redshift functions the tests need
 * installed as shims. When `startLocalRedshift` is ready, switch `startTestServer` to it and set
 * `redshiftDialect` to true; nothing else in the tests names the server.
 */
export interface TestServer {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: string
  /** True when the server speaks Redshift's dialect (SET query_group, ...); false on raw PostgreSQL. */
  readonly redshiftDialect: boolean
  /** A plain `pg` client as the same user, for setup and for killing sessions. */
  admin(): Promise<pg.Client>
  stop(): Promise<void>
}

// Stand-ins for functions the local Redshift installs in its compat schema.
const SHIMS = [
  'CREATE SEQUENCE IF NOT EXISTS rk_test_query_ids',
  `CREATE OR REPLACE FUNCTION pg_last_query_id() RETURNS bigint LANGUAGE sql
     AS $$ SELECT nextval('rk_test_query_ids') $$`,
  `CREATE OR REPLACE FUNCTION getdate() RETURNS timestamp LANGUAGE sql
     AS $$ SELECT statement_timestamp()::timestamp(0) $$`,
]

/**
 * Whether the test server speaks Redshift's dialect (known before it starts, for `it.skipIf`). The raw
 * engine does not: `SET query_group` is refused there.
 */
export const SERVER_SPEAKS_REDSHIFT = false

/** Starts a server for one test file (call in `beforeAll`, stop in `afterAll`). */
export async function startTestServer(): Promise<TestServer> {
  const engine = await startEngine()
  const server: TestServer = {
    host: '127.0.0.1',
    port: engine.port,
    database: 'postgres',
    user: engine.superuser,
    password: engine.superuserPassword,
    redshiftDialect: SERVER_SPEAKS_REDSHIFT,
    async admin() {
      const client = new pg.Client({
        host: server.host,
        port: server.port,
        database: server.database,
        user: server.user,
        password: server.password,
      })
      await client.connect()
      return client
    },
    stop: () => engine.stop(),
  }
  const admin = await server.admin()
  try {
    for (const sql of SHIMS) await admin.query(sql)
  } finally {
    await admin.end()
  }
  return server
}

/**
 * A configuration builder pointed at `server` (TLS off: the engine has none), for tests to extend:
 * `configFor(server).poolSize(2).build()`.
 */
export function configFor(server: TestServer): RedshiftConfigBuilder {
  return RedshiftConfig.builder()
    .endpoint(server.host, server.port, server.database)
    .withDatabaseAuth(server.user, server.password)
    .sslMode('disable')
}
