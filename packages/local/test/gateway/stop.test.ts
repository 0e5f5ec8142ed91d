import { connect } from 'node:net'
import { expect, test, vi } from 'vitest'
import { startGateway } from '../../src/gateway/index.js'
import { ALICE, startTestGateway, USERS } from './helpers.js'

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

test('stop() closes the listener, every client and engine connection, and leaves no timer', async () => {
  const t = await startTestGateway()
  try {
    const before = timers()
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      engine: t.engine,
      users: USERS,
      wlm: [],
    })
    const a = t.client(ALICE, { port: gateway.port })
    const b = t.client(ALICE, { port: gateway.port })
    for (const c of [a, b]) c.on('error', () => undefined)
    await a.connect()
    await b.connect()
    const pids = [
      (await a.query('select pg_backend_pid() as p')).rows[0].p,
      (await b.query('select pg_backend_pid() as p')).rows[0].p,
    ]
    const sleeping = a.query('select pg_sleep(30)')
    sleeping.catch(() => undefined)
    await gateway.stop()
    await expect(sleeping).rejects.toThrow()
    // The engine backends of both clients are gone.
    await vi.waitFor(async () => {
      const left = await t.engineQuery(
        'select count(*)::int as n from pg_stat_activity where pid = any($1)',
        [pids],
      )
      expect(left.rows[0]?.n).toBe(0)
    })
    // Nothing listens any more.
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: gateway.port })
      s.once('connect', () => {
        s.destroy()
        resolve('connected')
      })
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
    })
    expect(refused).toBe('ECONNREFUSED')
    expect(timers()).toBeLessThanOrEqual(before)
    await gateway.stop()
  } finally {
    await t.stop()
  }
})
