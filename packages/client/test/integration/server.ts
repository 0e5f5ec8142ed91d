import pg from 'pg'
import { inject } from 'vitest'
import { RedshiftConfig, type RedshiftConfigBuilder } from '../../src/config/redshift-config.js'

/**
 * Where the integration tests connect, in one place: the local Redshift that the test run's global setup
 * started (`test/global-setup.ts`), reached through its Redshift wire gateway.
 */
export interface TestServer {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: string
  /** The CA of the server's generated certificate (TLS is on). */
  readonly caCert: string
  /** True: the server speaks Redshift's dialect (SET query_group, pg_last_query_id(), ...). */
  readonly redshiftDialect: boolean
  /** A plain `pg` client as the same user, for setup and for killing sessions. */
  admin(): Promise<pg.Client>
  /** Releases this file's hold on the server (the run's global teardown stops it). */
  stop(): Promise<void>
}

/** Whether the test server speaks Redshift's dialect (known before it starts, for `it.skipIf`). */
export const SERVER_SPEAKS_REDSHIFT = true

/** The shared server, as a test file sees it (call in `beforeAll`). */
export async function startTestServer(): Promise<TestServer> {
  const shared = inject('redshift')
  const server: TestServer = {
    host: shared.host,
    port: shared.port,
    database: shared.database,
    user: shared.admin.name,
    password: shared.admin.password,
    caCert: shared.caCert,
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
    stop: async () => undefined,
  }
  return server
}

/**
 * A configuration builder pointed at `server`, for tests to extend: `configFor(server).poolSize(2).build()`.
 * TLS is off here to keep the tests about what they test; the TLS tests turn it on.
 */
export function configFor(server: TestServer): RedshiftConfigBuilder {
  return RedshiftConfig.builder()
    .endpoint(server.host, server.port, server.database)
    .withDatabaseAuth(server.user, server.password)
    .sslMode('disable')
}
