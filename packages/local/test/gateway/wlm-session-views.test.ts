/**
 * WLM and session views over the shared local Redshift (queues of test/global-setup.ts): the
 * classification rules, sessions, locks and open transactions, and sys_query_history states.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { connect } from '../load/s3-test-kit.js'

let admin: pg.Client
let user: pg.Client

beforeAll(async () => {
  ;({ client: admin } = await connect('admin'))
  ;({ client: user } = await connect('user'))
})
afterAll(async () => {
  await admin?.end()
  await user?.end()
})

describe('WLM views', () => {
  it('stv_wlm_classification_config lists the routing rules by service class', async () => {
    const r = await admin.query(
      'SELECT trim(condition) AS condition, action_service_class AS sc FROM stv_wlm_classification_config ORDER BY id',
    )
    expect(r.rows).toEqual([
      { condition: '(super user) and (query group: superuser)', sc: 5 },
      { condition: '(query group: etl)', sc: 6 },
      { condition: '(query group: load*)', sc: 6 },
      { condition: '(user group: analysts)', sc: 7 },
      { condition: '(query group: short)', sc: 8 },
      { condition: '(querytype: any)', sc: 9 },
    ])
    expect((await user.query('SELECT count(*)::int AS n FROM stv_wlm_classification_config')).rows[0].n).toBe(
      0,
    )
  })

  it('routes by user group, and by query group first when both match', async () => {
    await user.query('SELECT 1')
    const mine = await user.query(
      'SELECT service_class_id AS sc, trim(service_class_name) AS q FROM sys_query_history WHERE query_id = pg_last_query_id()',
    )
    expect(mine.rows).toEqual([{ sc: 7, q: 'analysts' }])
    await user.query("SET query_group TO 'etl'")
    await user.query('SELECT 2')
    const grouped = await user.query(
      'SELECT service_class_id AS sc FROM sys_query_history WHERE query_id = pg_last_query_id()',
    )
    await user.query('RESET query_group')
    expect(grouped.rows).toEqual([{ sc: 6 }])
  })

  it('sys_query_history shows success, failed and running states', async () => {
    await admin.query('SELECT 1/0').catch(() => undefined)
    const failed = await admin.query(
      'SELECT trim(status) AS s FROM sys_query_history WHERE query_id = pg_last_query_id()',
    )
    expect(failed.rows).toEqual([{ s: 'failed' }])
    const running = await admin.query(
      "SELECT trim(status) AS s FROM sys_query_history WHERE query_text LIKE 'SELECT trim(status) AS s FROM sys_query_history WHERE query_text%' AND status = 'running'",
    )
    expect(running.rows).toEqual([{ s: 'running' }])
  })
})

describe('sessions, locks and transactions', () => {
  it('stv_sessions lists sessions; users see their own', async () => {
    const all = await admin.query('SELECT trim(user_name) AS u FROM stv_sessions')
    const names = all.rows.map((r) => r.u)
    expect(names).toContain('awsuser')
    expect(names).toContain('analyst')
    const own = await user.query('SELECT DISTINCT trim(user_name) AS u FROM stv_sessions')
    expect(own.rows).toEqual([{ u: 'analyst' }])
  })

  it('stv_locks and svv_transactions show an open transaction holding a table lock', async () => {
    const table = `locked_${Math.random().toString(36).slice(2, 8)}`
    await user.query(`CREATE TABLE ${table} (a int)`)
    await user.query('BEGIN')
    await user.query(`LOCK TABLE ${table}`)
    const pid = (await user.query('SELECT pg_backend_pid() AS p')).rows[0].p as number
    await vi.waitFor(async () => {
      const locks = await admin.query(
        `SELECT lock_owner_pid, trim(lock_status) AS mode FROM stv_locks WHERE table_id = $1::regclass::oid::int`,
        [table],
      )
      expect(locks.rows).toEqual([{ lock_owner_pid: pid, mode: 'AccessExclusiveLock' }])
    })
    const tx = await admin.query(
      `SELECT txn_owner, granted FROM svv_transactions WHERE pid = $1 AND relation = $2::regclass::oid::int`,
      [pid, table],
    )
    expect(tx.rows).toEqual([{ txn_owner: 'analyst', granted: true }])
    await user.query('ROLLBACK')
    await user.query(`DROP TABLE ${table}`)
  })
})
