import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

// On the shared server, in a schema of this file's own.
const { host, port, database, admin: adminUser, user } = inject('redshift')
let admin: pg.Client
let analyst: pg.Client

const plan = async (c: pg.Client, sql: string, params?: unknown[]): Promise<string[]> => {
  const r = await c.query<{ 'QUERY PLAN': string }>(sql, params)
  expect(r.fields.map((f) => f.name)).toEqual(['QUERY PLAN'])
  return r.rows.map((row) => row['QUERY PLAN'])
}
const joinLine = (lines: string[]): string | undefined => lines.find((l) => /XN (Hash|Merge|Nested)/.test(l))

beforeAll(async () => {
  admin = new pg.Client({ host, port, database, user: adminUser.name, password: adminUser.password })
  analyst = new pg.Client({ host, port, database, user: user.name, password: user.password })
  await Promise.all([admin.connect(), analyst.connect()])
  await admin.query(`
    DROP SCHEMA IF EXISTS xplan CASCADE;
    CREATE SCHEMA xplan;
    CREATE TABLE xplan.sales (salesid int, listid int, eventid int, buyerid int, price int) DISTKEY (listid);
    CREATE TABLE xplan.listing (listid int, sellerid int) DISTKEY (listid);
    CREATE TABLE xplan.event (eventid int, venueid int) DISTSTYLE EVEN;
    CREATE TABLE xplan.category (catid int, name varchar(10)) DISTSTYLE ALL;
    CREATE TABLE xplan.users (userid int, name varchar(10)) DISTKEY (userid);
    CREATE TABLE xplan.buyers (buyerid int, region int) DISTSTYLE EVEN;
    INSERT INTO xplan.sales SELECT g, g % 5000, g % 300, g % 4000, g FROM generate_series(1, 20000) g;
    INSERT INTO xplan.listing SELECT g, g FROM generate_series(1, 5000) g;
    INSERT INTO xplan.event SELECT g, g FROM generate_series(1, 300) g;
    INSERT INTO xplan.category SELECT g, 'c' FROM generate_series(1, 10) g;
    INSERT INTO xplan.users SELECT g, 'u' FROM generate_series(1, 4000) g;
    INSERT INTO xplan.buyers SELECT g, g FROM generate_series(1, 20000) g;
    ANALYZE xplan.sales; ANALYZE xplan.listing; ANALYZE xplan.event; ANALYZE xplan.category;
    ANALYZE xplan.users; ANALYZE xplan.buyers;
    GRANT USAGE ON SCHEMA xplan TO ${user.name};
    GRANT SELECT ON ALL TABLES IN SCHEMA xplan TO ${user.name};`)
})
afterAll(async () => {
  await admin?.query('DROP SCHEMA IF EXISTS xplan CASCADE')
  await Promise.all([admin?.end(), analyst?.end()])
})

describe('EXPLAIN in Redshift shape', () => {
  it('labels joins from the tables DISTSTYLE / DISTKEY', async () => {
    // Both on the join column: collocated.
    expect(
      joinLine(
        await plan(
          analyst,
          'EXPLAIN SELECT * FROM xplan.sales s JOIN xplan.listing l ON s.listid = l.listid',
        ),
      ),
    ).toMatch(/^XN Hash Join DS_DIST_NONE {2}\(cost=/)
    // The DISTSTYLE ALL side is already everywhere.
    expect(
      joinLine(
        await plan(
          analyst,
          'EXPLAIN SELECT * FROM xplan.sales s JOIN xplan.category c ON s.eventid = c.catid',
        ),
      ),
    ).toContain('DS_DIST_ALL_NONE')
    // sales sits on listid, not buyerid; users sits on userid: only the outer side moves.
    expect(
      joinLine(
        await plan(analyst, 'EXPLAIN SELECT * FROM xplan.sales s JOIN xplan.users u ON s.buyerid = u.userid'),
      ),
    ).toContain('DS_DIST_OUTER')
    // Neither side on its join column, the inner small: broadcast.
    expect(
      joinLine(
        await plan(
          analyst,
          'EXPLAIN SELECT * FROM xplan.sales s JOIN xplan.event e ON s.eventid = e.eventid',
        ),
      ),
    ).toContain('DS_BCAST_INNER')
    // Neither side on its join column, both large: both redistributed.
    expect(
      joinLine(
        await plan(analyst, 'EXPLAIN SELECT * FROM xplan.sales s JOIN xplan.buyers b ON s.price = b.buyerid'),
      ),
    ).toContain('DS_DIST_BOTH')
  })

  it('prints XN steps, and finishes an ORDER BY on the leader; parameters bind as they do on the engine', async () => {
    const lines = await plan(
      analyst,
      'EXPLAIN SELECT e.venueid, count(*) FROM xplan.sales s JOIN xplan.event e ON s.eventid = e.eventid WHERE s.price > $1 GROUP BY e.venueid ORDER BY 2 DESC',
      [100],
    )
    expect(lines[0]).toMatch(/^XN Merge {2}\(cost=1000000\d{6}\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\)$/)
    expect(lines[1]).toMatch(/^ {2}Merge Key: /)
    expect(lines[2]).toMatch(/^ {2}-> {2}XN Network {2}\(cost=/)
    expect(lines[3]).toBe('        Send to leader')
    expect(lines[4]).toMatch(/^ {8}-> {2}XN Sort {2}\(cost=/)
    expect(lines.some((l) => /-> {2}XN HashAggregate|-> {2}XN GroupAggregate/.test(l))).toBe(true)
    expect(lines.some((l) => /-> {2}XN Seq Scan on sales s {2}\(cost=/.test(l))).toBe(true)
    expect(lines.some((l) => /Filter: \(s\.price > /.test(l))).toBe(true)
    expect(lines.every((l) => !/-> {2}(?!XN )\S/.test(l))).toBe(true)
  })

  it('fails as the engine fails, leaving the transaction as any failed statement does', async () => {
    await analyst.query('BEGIN')
    await expect(analyst.query('EXPLAIN SELECT * FROM xplan.nothing_here')).rejects.toMatchObject({
      code: '42P01',
    })
    await expect(analyst.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' })
    await analyst.query('ROLLBACK')
    expect((await analyst.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })
})
