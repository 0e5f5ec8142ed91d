import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLIC_COMPAT_VIEWS } from '../../src/engine/compat/index.js'
import { type CompatFixture, connectAs, one, startCompatFixture } from './compat-harness.js'

let fx: CompatFixture
let alice: pg.Client

/** Column name -> format_type of a pg_catalog view, in column order. */
async function columnsOf(view: string): Promise<Record<string, string>> {
  const r = await fx.db.query<{ attname: string; type: string }>(
    `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = ('pg_catalog.' || $1)::regclass AND attnum > 0 ORDER BY attnum`,
    [view],
  )
  return Object.fromEntries(r.rows.map((x) => [x.attname, x.type]))
}

const ch = (n: number) => `character(${n})`
const TS = 'timestamp without time zone'

// The documented column lists (redshift-semantics.md section 5 and the AWS pages it cites).
const EXPECTED: Record<string, Record<string, string>> = {
  stl_query: {
    userid: 'integer',
    query: 'integer',
    label: ch(320),
    xid: 'bigint',
    pid: 'integer',
    database: ch(32),
    querytxt: ch(4000),
    starttime: TS,
    endtime: TS,
    aborted: 'integer',
    insert_pristine: 'integer',
    concurrency_scaling_status: 'integer',
  },
  stv_recents: {
    userid: 'integer',
    status: ch(20),
    starttime: TS,
    duration: 'integer',
    user_name: ch(50),
    db_name: ch(50),
    query: ch(600),
    pid: 'integer',
  },
  stv_inflight: {
    userid: 'integer',
    slice: 'integer',
    query: 'integer',
    label: ch(320),
    xid: 'bigint',
    pid: 'integer',
    starttime: TS,
    text: ch(100),
    suspended: 'integer',
    insert_pristine: 'integer',
    concurrency_scaling_status: 'integer',
  },
  stv_wlm_query_state: {
    xid: 'integer',
    task: 'integer',
    query: 'integer',
    service_class: 'integer',
    slot_count: 'integer',
    wlm_start_time: TS,
    state: ch(16),
    queue_time: 'bigint',
    exec_time: 'bigint',
    query_priority: ch(20),
  },
  stv_wlm_service_class_state: {
    service_class: 'integer',
    num_queued_queries: 'integer',
    num_executing_queries: 'integer',
    num_serviced_queries: 'integer',
    num_executed_queries: 'integer',
    num_evicted_queries: 'integer',
    num_concurrency_scaling_queries: 'integer',
  },
  stl_load_errors: {
    userid: 'integer',
    slice: 'integer',
    tbl: 'integer',
    starttime: TS,
    session: 'integer',
    query: 'integer',
    filename: ch(256),
    line_number: 'bigint',
    colname: ch(127),
    type: ch(10),
    col_length: ch(10),
    position: 'integer',
    raw_line: ch(1024),
    raw_field_value: ch(1024),
    err_code: 'integer',
    err_reason: ch(100),
    is_partial: 'integer',
    start_offset: 'bigint',
    copy_job_id: 'bigint',
  },
  stl_unload_log: {
    userid: 'integer',
    query: 'integer',
    slice: 'integer',
    pid: 'integer',
    path: ch(1280),
    start_time: TS,
    end_time: TS,
    line_count: 'bigint',
    transfer_size: 'bigint',
    file_format: ch(10),
  },
  pg_table_def: {
    schemaname: 'name',
    tablename: 'name',
    column: 'name',
    type: 'text',
    encoding: ch(32),
    distkey: 'boolean',
    sortkey: 'integer',
    notnull: 'boolean',
  },
  svv_external_schemas: {
    esoid: 'oid',
    eskind: 'smallint',
    schemaname: 'name',
    esowner: 'integer',
    databasename: 'text',
    esoptions: 'text',
  },
}

beforeAll(async () => {
  fx = await startCompatFixture()
  await fx.db.query(`CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN`)
  await fx.db.query(`
    INSERT INTO rk_internal.queries (query_id, xid, pid, user_id, user_name, database_name, label, query_type, status,
      service_class, queue_name, queue_start, start_time, end_time, returned_rows, query_text, error_message) VALUES
    (101, 9001, 4001, 100, 'alice', 'dev', 'default', 'SELECT', 'success', 6, 'Default queue',
     '2024-01-01 10:00:00', '2024-01-01 10:00:00.5', '2024-01-01 10:00:02', 3, 'select 1', NULL),
    (102, 9002, 4001, 100, 'alice', 'dev', 'etl', 'SELECT', 'canceled', 6, 'Default queue',
     '2024-01-01 10:01:00', '2024-01-01 10:01:00', '2024-01-01 10:01:05', 0, 'select pg_sleep(60)',
     'Query (102) cancelled on user''s request'),
    (103, 9003, 4001, 100, 'alice', 'dev', 'default', 'DDL', 'success', 6, 'Default queue',
     '2024-01-01 10:02:00', '2024-01-01 10:02:00', '2024-01-01 10:02:01', 0, 'create table t(a int)', NULL),
    (104, 9004, 4001, 100, 'alice', 'dev', 'default', 'SELECT', 'running', 6, 'Default queue',
     '2024-01-01 10:03:00', '2024-01-01 10:03:01', NULL, 0, 'select count(*) from big', NULL),
    (105, 9005, 4002, 101, 'bob', 'dev', 'default', 'INSERT', 'queued', 7, 'etl',
     '2024-01-01 10:04:00', '2024-01-01 10:04:00', NULL, 0, 'insert into t values (1)', NULL);
    INSERT INTO rk_internal.wlm_queues VALUES (6, 'Default queue', '{}', '{}', 5, 0, false, false),
                                              (7, 'etl', '{etl}', '{}', 2, 60000, false, false);
    INSERT INTO rk_internal.wlm_state VALUES (6, 0, 1, 4, 4, 0);
  `)
  alice = await connectAs(fx.engine, 'alice')
})

afterAll(async () => {
  await alice?.end()
  await fx?.stop()
})

describe('system view shapes', () => {
  it.each(Object.keys(EXPECTED))('%s has the documented columns and types', async (view) => {
    expect(await columnsOf(view)).toEqual(EXPECTED[view])
  })

  it('every public view is readable by an ordinary user', async () => {
    for (const view of PUBLIC_COMPAT_VIEWS) {
      await expect(alice.query(`SELECT * FROM ${view} LIMIT 0`), view).resolves.toBeDefined()
    }
  })

  it('Spectrum and load/unload views exist, typed and empty', async () => {
    for (const view of [
      'svv_external_tables',
      'svv_external_columns',
      'sys_load_history',
      'sys_unload_history',
      'stl_load_commits',
      'sys_load_error_detail',
    ]) {
      expect((await fx.db.query(`SELECT * FROM ${view}`)).rowCount, view).toBe(0)
    }
    expect((await columnsOf('sys_load_history')).duration).toBe('bigint')
  })
})

describe('query history views over rk_internal.queries', () => {
  it('stl_query lists finished queries (not DDL), with label, aborted and padded text', async () => {
    const r =
      await fx.db.query(`SELECT query, trim(label) AS label, aborted, trim(querytxt) AS q, length(querytxt::text) AS len,
      xid, pid, trim(database) AS db FROM stl_query ORDER BY query`)
    expect(r.rows).toEqual([
      { query: 101, label: 'default', aborted: 0, q: 'select 1', len: 8, xid: '9001', pid: 4001, db: 'dev' },
      {
        query: 102,
        label: 'etl',
        aborted: 1,
        q: 'select pg_sleep(60)',
        len: 19,
        xid: '9002',
        pid: 4001,
        db: 'dev',
      },
    ])
    // CHAR(n) keeps its blanks on output, as Redshift's does.
    expect((await one(fx.db, `SELECT label::text || '|' AS l FROM stl_query WHERE query = 101`)).l).toBe(
      'default|',
    )
    const padded = await fx.db.query({
      text: `SELECT label FROM stl_query WHERE query = 101`,
      rowMode: 'array',
    })
    expect(String(padded.rows[0]?.[0]).length).toBe(320)
  })

  it('svl_qlog and sys_query_history give durations in microseconds', async () => {
    expect(await one(fx.db, `SELECT elapsed, trim(substring) AS s FROM svl_qlog WHERE query = 101`)).toEqual({
      elapsed: '1500000',
      s: 'select 1',
    })
    const h =
      await fx.db.query(`SELECT query_id, trim(status) AS status, trim(query_type) AS type, elapsed_time,
      queue_time, execution_time, trim(query_label) AS label, service_class_id FROM sys_query_history ORDER BY query_id`)
    expect(h.rows.map((x) => [x.query_id, x.status, x.type])).toEqual([
      ['101', 'success', 'SELECT'],
      ['102', 'canceled', 'SELECT'],
      ['103', 'success', 'DDL'],
      ['104', 'running', 'SELECT'],
      ['105', 'queued', 'INSERT'],
    ])
    expect(h.rows[0]).toMatchObject({
      elapsed_time: '2000000',
      queue_time: '500000',
      execution_time: '1500000',
    })
    expect(h.rows[4]).toMatchObject({ execution_time: '0', service_class_id: 7 })
  })

  it('stv_inflight shows running queries only, stv_recents running and done ones', async () => {
    const inflight = await fx.db.query(`SELECT query, label::text AS label, pid FROM stv_inflight`)
    expect(inflight.rows).toEqual([{ query: 104, label: '', pid: 4001 }])
    const recents = await fx.db.query(
      `SELECT trim(status) AS status, pid, trim(query) AS q FROM stv_recents ORDER BY starttime`,
    )
    expect(recents.rows.map((x) => [x.status, x.pid])).toEqual([
      ['Done', -1],
      ['Done', -1],
      ['Done', -1],
      ['Running', 4001],
      ['Running', 4002],
    ])
  })

  it('stv_wlm_query_state maps status to state', async () => {
    const r = await fx.db.query(
      `SELECT query, trim(state) AS state, service_class, exec_time FROM stv_wlm_query_state ORDER BY query`,
    )
    expect(r.rows.map((x) => [x.query, x.state, x.service_class])).toEqual([
      [104, 'Running', 6],
      [105, 'Queued', 7],
    ])
    expect(r.rows[1]?.exec_time).toBe('0')
  })

  it('WLM configuration and state include the superuser queue 5', async () => {
    const cfg = await fx.db.query(
      `SELECT service_class, trim(name) AS name, num_query_tasks FROM stv_wlm_service_class_config ORDER BY 1`,
    )
    expect(cfg.rows).toEqual([
      { service_class: 5, name: 'Superuser queue', num_query_tasks: 1 },
      { service_class: 6, name: 'Default queue', num_query_tasks: 5 },
      { service_class: 7, name: 'etl', num_query_tasks: 2 },
    ])
    const state = await fx.db.query(
      `SELECT service_class, num_executing_queries FROM stv_wlm_service_class_state ORDER BY 1`,
    )
    expect(state.rows).toEqual([
      { service_class: 5, num_executing_queries: 0 },
      { service_class: 6, num_executing_queries: 1 },
      { service_class: 7, num_executing_queries: 0 },
    ])
  })

  it('an ordinary user sees only their own rows; superuser-only views show them nothing', async () => {
    expect(
      (await alice.query(`SELECT query_id FROM sys_query_history ORDER BY 1`)).rows.map((x) => x.query_id),
    ).toEqual(['101', '102', '103', '104'])
    expect((await alice.query(`SELECT query FROM stv_wlm_query_state`)).rows).toEqual([{ query: 104 }])
    const bob = await connectAs(fx.engine, 'bob')
    try {
      expect((await bob.query(`SELECT query FROM stl_query`)).rowCount).toBe(0)
      expect((await bob.query(`SELECT query FROM stv_recents`)).rows).toEqual([
        { query: expect.stringMatching(/^insert/) },
      ])
    } finally {
      await bob.end()
    }
    expect((await alice.query(`SELECT * FROM stv_wlm_service_class_config`)).rowCount).toBe(0)
    await fx.db.query(`INSERT INTO rk_internal.connection_log (event, recordtime, remotehost, remoteport, pid, dbname, username, authmethod)
      VALUES ('authenticated', '2024-01-01 10:00:00', '127.0.0.1', '5555', 4001, 'dev', 'alice', 'md5')`)
    expect((await fx.db.query(`SELECT trim(event) AS e FROM stl_connection_log`)).rows).toEqual([
      { e: 'authenticated' },
    ])
    expect((await alice.query(`SELECT * FROM stl_connection_log`)).rowCount).toBe(0)
    await expect(alice.query(`SELECT * FROM rk_internal.queries`)).rejects.toThrow(/permission denied/)
  })
})

describe('catalog views', () => {
  beforeAll(async () => {
    await fx.db.query(`
      CREATE TABLE public.sales (id integer NOT NULL, region varchar(20), amount numeric(12,2), sold_at timestamp, note varchar(300));
      INSERT INTO public.sales VALUES (1, 'eu', 10, '2024-01-01', NULL), (2, 'us', 20, '2024-01-02', 'x');
      INSERT INTO rk_internal.table_attributes (schema_name, table_name, diststyle, distkey, sortkey_type, sortkeys, encodings)
      VALUES ('public', 'sales', 'KEY', 'region', 'compound', '{sold_at,id}', '{"note": "ZSTD"}');
      CREATE TABLE public.empty_one (a int);
      CREATE SCHEMA hidden; CREATE TABLE hidden.h (a int);`)
  })

  it('pg_table_def shows DISTKEY, SORTKEY, ENCODE and NOT NULL for tables on the search_path', async () => {
    const r =
      await fx.db.query(`SELECT "column", type, trim(encoding) AS encoding, distkey, sortkey, "notnull"
      FROM pg_table_def WHERE tablename = 'sales' ORDER BY "column"`)
    expect(r.rows).toEqual([
      {
        column: 'amount',
        type: 'numeric(12,2)',
        encoding: 'az64',
        distkey: false,
        sortkey: 0,
        notnull: false,
      },
      { column: 'id', type: 'integer', encoding: 'none', distkey: false, sortkey: 2, notnull: true },
      {
        column: 'note',
        type: 'character varying(300)',
        encoding: 'zstd',
        distkey: false,
        sortkey: 0,
        notnull: false,
      },
      {
        column: 'region',
        type: 'character varying(20)',
        encoding: 'lzo',
        distkey: true,
        sortkey: 0,
        notnull: false,
      },
      { column: 'sold_at', type: TS, encoding: 'none', distkey: false, sortkey: 1, notnull: false },
    ])
    expect((await fx.db.query(`SELECT 1 FROM pg_table_def WHERE schemaname = 'hidden'`)).rowCount).toBe(0)
    await fx.db.query(`SET search_path = hidden, public`)
    try {
      expect((await fx.db.query(`SELECT 1 FROM pg_table_def WHERE schemaname = 'hidden'`)).rowCount).toBe(1)
    } finally {
      await fx.db.query(`RESET search_path`)
    }
  })

  it('svv_table_info summarises non-empty user tables, for superusers', async () => {
    const r =
      await fx.db.query(`SELECT "schema", "table", diststyle, sortkey1, sortkey_num, max_varchar, tbl_rows,
      encoded, trim(sortkey1_enc) AS enc, database FROM svv_table_info ORDER BY "table"`)
    expect(r.rows).toEqual([
      {
        schema: 'public',
        table: 'sales',
        diststyle: 'KEY(region)',
        sortkey1: 'sold_at',
        sortkey_num: 2,
        max_varchar: 300,
        tbl_rows: '2',
        encoded: 'Y',
        enc: 'none',
        database: 'dev',
      },
    ])
    expect(Object.keys(await columnsOf('svv_table_info'))).toEqual([
      'database',
      'schema',
      'table_id',
      'table',
      'encoded',
      'diststyle',
      'sortkey1',
      'max_varchar',
      'sortkey1_enc',
      'sortkey_num',
      'size',
      'pct_used',
      'empty',
      'unsorted',
      'stats_off',
      'tbl_rows',
      'skew_sortkey1',
      'skew_rows',
      'estimated_visible_rows',
      'risk_event',
      'vacuum_sort_benefit',
      'create_time',
    ])
    await expect(alice.query(`SELECT * FROM svv_table_info`)).rejects.toThrow(/permission denied/)
  })

  it('svv_tables, svv_columns and svv_all_tables list user tables with Redshift type names', async () => {
    expect(
      (
        await fx.db.query(
          `SELECT table_type FROM svv_tables WHERE table_schema = 'public' AND table_name = 'sales'`,
        )
      ).rows,
    ).toEqual([{ table_type: 'BASE TABLE' }])
    expect((await fx.db.query(`SELECT 1 FROM svv_tables WHERE table_schema = 'rk_internal'`)).rowCount).toBe(
      0,
    )
    await fx.db.query(`CREATE TABLE public.j (s super)`)
    expect((await fx.db.query(`SELECT data_type FROM svv_columns WHERE table_name = 'j'`)).rows).toEqual([
      { data_type: 'super' },
    ])
    expect(
      (await fx.db.query(`SELECT database_name, table_type FROM svv_all_tables WHERE table_name = 'sales'`))
        .rows,
    ).toEqual([{ database_name: 'dev', table_type: 'BASE TABLE' }])
  })
})
