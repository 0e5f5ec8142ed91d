import pg from 'pg'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'

const { host, port, database, user } = inject('redshift')
let analyst: pg.Client

beforeAll(async () => {
  analyst = new pg.Client({ host, port, database, user: user.name, password: user.password })
  await analyst.connect()
})
afterAll(async () => {
  await analyst?.end()
})

it("stl_undone has Redshift's columns and types, and no row: the engine undoes nothing after a rollback", async () => {
  await analyst.query('BEGIN')
  await analyst.query('CREATE TEMP TABLE undone_probe (a int)')
  await analyst.query('ROLLBACK')
  const r = await analyst.query('SELECT * FROM stl_undone')
  expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
    ['userid', 23],
    ['xact_id', 20],
    ['xact_id_undone', 20],
    ['undo_start_ts', 1114],
    ['undo_end_ts', 1114],
    ['table_id', 20],
  ])
  expect(r.rowCount).toBe(0)
})
