import { QueryBuilder, QueryCancelledError, QueryTimeoutError, ValidationError } from '@redshift-kit/client'
import type { LocalRedshift } from '@redshift-kit/local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultProxy, startFaultProxy } from './fault-proxy.js'
import { clientAt, recordFigures, since, startServer, within } from './harness.js'

// A server that stops answering, a protocol-level user error, and connections reset while idle
// (issue 10 items 5 and 9; the wire transport's deadline fixes, merged from `foundations`).

let server: LocalRedshift
let proxy: FaultProxy

beforeAll(async () => {
  server = await startServer({ aws: false })
  proxy = await startFaultProxy(server.wire)
})
afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

describe('stalls and resets', () => {
  it('a stalled server: a timeout and an AbortSignal settle the call at once, and close() is bounded', async () => {
    const t0 = performance.now()
    proxy.setMode({ kind: 'pass' })
    const client = clientAt(proxy, (b) => b.poolSize(3).maxRetries(0))
    await client.executeQuery('SELECT 1')
    proxy.setMode({ kind: 'stall' })
    let hangs = 0
    let failures = 0
    const timed = await within(
      8_000,
      client.executeQuery(new QueryBuilder('SELECT 1').timeout(2_000).build()).then(
        () => 'answered',
        (e: unknown) => e,
      ),
    )
    if (timed.hung) hangs++
    else if (!(timed.value instanceof QueryTimeoutError)) failures++
    const controller = new AbortController()
    const aborted = client.executeQuery('SELECT 2', { signal: controller.signal }).then(
      () => 'answered',
      (e: unknown) => e,
    )
    setTimeout(() => controller.abort(), 500)
    const cancel = await within(5_000, aborted)
    if (cancel.hung) hangs++
    else if (!(cancel.value instanceof QueryCancelledError)) failures++
    const tClose = performance.now()
    const closing = await within(10_000, client.close())
    const closeMs = since(tClose)
    if (closing.hung) hangs++
    proxy.setMode({ kind: 'pass' })
    recordFigures({
      scenario: 'stalled server: timeout, abort, close',
      cases: 3,
      failures,
      hangs,
      durationMs: since(t0),
      notes: `timeout 2 s, abort after 0.5 s; close() took ${closeMs} ms with the server stalled`,
    })
    expect(hangs).toBe(0)
    expect(failures).toBe(0)
  })

  it('a parameter-count mismatch is a ValidationError and keeps the connection', async () => {
    const t0 = performance.now()
    const client = clientAt(server.wire, (b) => b.poolSize(1).maxRetries(0))
    const pid = (await client.executeQuery('SELECT pg_backend_pid() AS pid')).rows[0]?.get('pid')
    const before = client.getPoolStats()
    const error = await client
      .executeQuery(new QueryBuilder('SELECT $1::int + $2::int AS n').param(1).build())
      .catch((e: unknown) => e)
    const after = (await client.executeQuery('SELECT pg_backend_pid() AS pid')).rows[0]?.get('pid')
    const stats = client.getPoolStats()
    await client.close()
    const failures = (error instanceof ValidationError ? 0 : 1) + (after === pid ? 0 : 1)
    recordFigures({ scenario: 'parameter-count mismatch', cases: 1, failures, durationMs: since(t0) })
    expect(error).toBeInstanceOf(ValidationError)
    expect(after).toBe(pid)
    expect(stats.destroyedTotal).toBe(before.destroyedTotal)
  })

  it('a query right after the server reset idle connections goes out on a fresh connection', async () => {
    const t0 = performance.now()
    const client = clientAt(proxy, (b) => b.poolSize(2).maxRetries(0))
    let failures = 0
    const rounds = 20
    for (let i = 0; i < rounds; i++) {
      // Two connections in the pool, both idle.
      const warm = await Promise.all([client.executeQuery('SELECT 1'), client.executeQuery('SELECT 2')]).then(
        () => true,
        () => false,
      )
      if (!warm) failures++
      // Reset every idle connection and query in the same tick: nothing of it reached the server.
      proxy.drop()
      const ok = await client.executeQuery(new QueryBuilder('SELECT $1::int AS n').param(i).build()).then(
        (r) => r.rows[0]?.get('n') === i,
        () => false,
      )
      if (!ok) failures++
    }
    await client.close()
    recordFigures({
      scenario: 'query after idle connections were reset',
      cases: rounds,
      failures,
      durationMs: since(t0),
    })
    expect(failures).toBe(0)
  })
})
