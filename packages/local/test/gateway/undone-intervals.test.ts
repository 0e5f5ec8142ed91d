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

it('takes intervaly2m / intervald2s as type names in casts and columns', async () => {
  const r = await analyst.query(
    "SELECT ('1 year 2 months 3 days'::intervaly2m)::text AS y2m, CAST('1 day 02:03:04' AS intervald2s)::text AS d2s",
  )
  // YEAR TO MONTH drops the days, as the type says.
  expect(r.rows).toEqual([{ y2m: '1 year 2 mons', d2s: '1 day 02:03:04' }])
  await analyst.query('CREATE TEMP TABLE interval_probe (a intervaly2m, b intervald2s, c interval)')
  // On the wire, as Redshift: INTERVALY2M 1188, INTERVALD2S 1190, a plain interval 1186.
  const t = await analyst.query("SELECT a, b, c, '1 month'::intervaly2m AS d, b + b AS e FROM interval_probe")
  expect(t.fields.map((f) => f.dataTypeID)).toEqual([1188, 1190, 1186, 1188, 1186])
  await analyst.query('DROP TABLE interval_probe')
})

it("keeps TIME '24:00:00' within Redshift's documented range (00:00:00 to 24:00:00) and refuses past it", async () => {
  const r = await analyst.query("SELECT TIME '24:00:00'::text AS t")
  expect(r.rows).toEqual([{ t: '24:00:00' }])
  await expect(analyst.query("SELECT TIME '24:00:01'")).rejects.toMatchObject({ code: '22008' })
})
