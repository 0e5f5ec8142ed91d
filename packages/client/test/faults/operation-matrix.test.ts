import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import type { RedshiftConfigBuilder } from '../../src/config/redshift-config.js'
import { CopyCommandBuilder } from '../../src/data/copy-command-builder.js'
import { TableRef } from '../../src/data/table-ref.js'
import { UnloadCommandBuilder } from '../../src/data/unload-command-builder.js'
import { QueryCancelledError, QueryTimeoutError } from '../../src/errors/index.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'
import { StallProxy } from './stall-proxy.js'

// Issue 11, item 1: every operation honours a call's timeout, the configured defaultTimeout and
// maxQueryTimeout, and an AbortSignal, and fails the same way (QueryTimeoutError /
// QueryCancelledError) - here against a server that stopped answering, the case where only the
// client can end the call.

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftRole'
type Options = { readonly timeoutMs?: number; readonly signal?: AbortSignal }
type Operation = (client: RedshiftClient, options: Options) => Promise<unknown>

let server: TestServer
const opened: { client: RedshiftClient; proxy: StallProxy }[] = []

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  for (const { client, proxy } of opened) {
    proxy.resume()
    await client.close()
    await proxy.close()
  }
  await server?.stop()
})

/** A client through its own proxy, with a prepared statement and an open transaction made before the stall. */
async function stalledClient(configure: (b: RedshiftConfigBuilder) => RedshiftConfigBuilder) {
  const proxy = await StallProxy.start(server.host, server.port)
  const client = createClient(
    configure(configFor(server).endpoint(proxy.host, proxy.port, server.database))
      .poolSize(20)
      .closeTimeout(500)
      .build(),
  )
  opened.push({ client, proxy })
  const stmt = await client.prepare('matrix_one', 'SELECT $1::int AS n')
  const tx = await client.beginTransaction()
  const tx2 = await client.beginTransaction()
  proxy.stall()
  const operations: Record<string, Operation> = {
    executeQuery: (c, o) => c.executeQuery('SELECT 1', o),
    explainQuery: (c, o) => c.explainQuery('SELECT 1', o),
    prepare: (c, o) => c.prepare('matrix_two', 'SELECT 2', o),
    executePrepared: (c, o) => c.executePrepared(stmt, [1], o),
    batchExecute: (c, o) => c.batchExecute(stmt, [[1], [2]], o),
    'tx.query': (_c, o) => tx.query('SELECT 1', o),
    'tx.execute': (_c, o) => tx2.execute('SELECT 1', o),
    beginTransaction: (c, o) => c.beginTransaction(o),
    copyFromS3: (c, o) =>
      c.copyFromS3(
        new CopyCommandBuilder(new TableRef('public', 't'))
          .fromS3('matrix-bucket', 'k/')
          .csv()
          .iamRole(ROLE)
          .build(),
        o,
      ),
    unloadToS3: (c, o) =>
      c.unloadToS3(
        new UnloadCommandBuilder('SELECT 1').toS3('matrix-bucket', 'out/').csv().iamRole(ROLE).build(),
        o,
      ),
    getLoadErrors: (c, o) => c.getLoadErrors('t', new Date(0), o),
    streamResults: (c, o) => c.streamResults('SELECT 1', o),
    executeQueryAsync: async (c, o) => c.getQueryResults(await c.executeQueryAsync('SELECT 1', o)),
    healthCheck: async (c, o) => {
      const health = await c.healthCheck(o)
      throw Object.assign(new Error('unhealthy'), { health })
    },
  }
  return { client, operations }
}

/** Runs every operation at once; resolves with each one's error and how long it took. */
async function runAll(
  client: RedshiftClient,
  operations: Record<string, Operation>,
  options: () => Options,
): Promise<Record<string, { error: unknown; ms: number }>> {
  const started = Date.now()
  const outcomes = await Promise.all(
    Object.entries(operations).map(async ([name, op]) => {
      const error = await op(client, options()).then(
        () => new Error(`${name} succeeded against a stalled server`),
        (e: unknown) => e,
      )
      return [name, { error, ms: Date.now() - started }] as const
    }),
  )
  return Object.fromEntries(outcomes)
}

/** The error code an outcome stands for (a health check reports its error instead of throwing it). */
function codeOf(error: unknown): string {
  const health = (error as { health?: { error?: { code: string } } }).health
  if (health !== undefined) return health.error?.code ?? 'healthy'
  if (error instanceof QueryTimeoutError) return `QUERY_TIMEOUT ${error.timeoutMs}`
  if (error instanceof QueryCancelledError) return 'QUERY_CANCELLED'
  return `${(error as Error)?.name}: ${(error as Error)?.message}`
}

describe('every operation, against a server that stopped answering', () => {
  it("a call's timeoutMs fails it with QueryTimeoutError one second after the timeout", async () => {
    const { client, operations } = await stalledClient((b) => b)
    const outcomes = await runAll(client, operations, () => ({ timeoutMs: 300 }))
    for (const [name, { error, ms }] of Object.entries(outcomes)) {
      expect({ name, code: codeOf(error) }).toEqual({
        name,
        code: name === 'healthCheck' ? 'QUERY_TIMEOUT' : 'QUERY_TIMEOUT 300',
      })
      expect({ name, ms: ms < 3_500 }).toEqual({ name, ms: true })
    }
  })

  it('the configured defaultTimeout applies to calls that name none', async () => {
    const { client, operations } = await stalledClient((b) => b.defaultTimeout(300))
    const outcomes = await runAll(client, operations, () => ({}))
    for (const [name, { error }] of Object.entries(outcomes)) {
      expect({ name, code: codeOf(error) }).toEqual({
        name,
        code: name === 'healthCheck' ? 'QUERY_TIMEOUT' : 'QUERY_TIMEOUT 300',
      })
    }
  })

  it('maxQueryTimeout caps a longer timeout', async () => {
    const { client, operations } = await stalledClient((b) => b.maxQueryTimeout(300))
    const outcomes = await runAll(client, operations, () => ({ timeoutMs: 600_000 }))
    for (const [name, { error }] of Object.entries(outcomes)) {
      expect({ name, code: codeOf(error) }).toEqual({
        name,
        code: name === 'healthCheck' ? 'QUERY_TIMEOUT' : 'QUERY_TIMEOUT 300',
      })
    }
  })

  it('an aborted signal fails it with QueryCancelledError within the cancel bound', async () => {
    const { client, operations } = await stalledClient((b) => b)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const outcomes = await runAll(client, operations, () => ({ signal: controller.signal }))
    for (const [name, { error, ms }] of Object.entries(outcomes)) {
      expect({ name, code: codeOf(error) }).toEqual({ name, code: 'QUERY_CANCELLED' })
      expect({ name, ms: ms < 4_500 }).toEqual({ name, ms: true })
    }
    // Nothing the given-up calls opened late is left holding the pool: close() ends within its bound.
    opened.at(-1)?.proxy.resume()
    const closing = Date.now()
    await client.close()
    expect(Date.now() - closing).toBeLessThan(3_000)
  })
})
