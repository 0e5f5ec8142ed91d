import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

// On the shared server, in a schema of this file's own.
const { host, port, database, admin: adminUser, user } = inject('redshift')
const connect = async (name: string, password: string): Promise<pg.Client> => {
  const c = new pg.Client({ host, port, database, user: name, password })
  await c.connect()
  return c
}
let admin: pg.Client
let analyst: pg.Client

beforeAll(async () => {
  admin = await connect(adminUser.name, adminUser.password)
  analyst = await connect(user.name, user.password)
  await admin.query(`
    DROP SCHEMA IF EXISTS showobj CASCADE;
    CREATE SCHEMA showobj;
    CREATE TABLE showobj.sales (salesid INTEGER NOT NULL, listid INTEGER NOT NULL, dateid SMALLINT NOT NULL,
      pricepaid DECIMAL(8,2), note VARCHAR(20) DEFAULT 'none', flag BOOLEAN, PRIMARY KEY (salesid, listid))
      DISTKEY (listid) SORTKEY (dateid);
    CREATE TABLE showobj.refund (id INTEGER ENCODE zstd, salesid INTEGER, listid INTEGER,
      FOREIGN KEY (salesid, listid) REFERENCES showobj.sales (salesid, listid)) DISTSTYLE EVEN BACKUP NO;
    CREATE TABLE showobj.hidden (id INTEGER);
    CREATE VIEW showobj.expensive AS SELECT salesid FROM showobj.sales WHERE pricepaid > 100;
    CREATE FUNCTION showobj.f_add(a INTEGER, b VARCHAR) RETURNS INTEGER IMMUTABLE AS $$ SELECT $1 $$ LANGUAGE sql;
    CREATE PROCEDURE showobj.p_touch(n INTEGER, INOUT msg VARCHAR) AS $$ BEGIN msg := 'x'; END $$ LANGUAGE plpgsql;
    GRANT USAGE ON SCHEMA showobj TO ${user.name};
    GRANT SELECT ON showobj.sales, showobj.refund TO ${user.name};`)
})
afterAll(async () => {
  await admin?.query('DROP SCHEMA IF EXISTS showobj CASCADE')
  await Promise.all([admin?.end(), analyst?.end()])
})

describe('SHOW TABLE and SHOW VIEW', () => {
  it('SHOW TABLE prints the DDL as Redshift does: encodings, distkey, sort key, constraints', async () => {
    const r = await analyst.query('SHOW TABLE showobj.sales')
    expect(r.fields.map((f) => f.name)).toEqual(['Show Table DDL statement'])
    expect(r.rows[0]['Show Table DDL statement']).toBe(
      [
        'CREATE TABLE showobj.sales (',
        '    salesid integer NOT NULL ENCODE az64,',
        '    listid integer NOT NULL ENCODE az64 distkey,',
        '    dateid smallint NOT NULL,',
        '    pricepaid numeric(8,2) ENCODE az64,',
        "    note character varying(20) DEFAULT 'none'::character varying ENCODE lzo,",
        '    flag boolean,',
        '    PRIMARY KEY (salesid, listid)',
        ')',
        'DISTSTYLE KEY',
        'SORTKEY ( dateid );',
      ].join('\n'),
    )
    const refund = (await analyst.query('show table showobj.refund')).rows[0]['Show Table DDL statement']
    expect(refund).toContain('    id integer ENCODE zstd,')
    expect(refund).toContain('FOREIGN KEY (salesid, listid) REFERENCES showobj.sales(salesid, listid)')
    expect(refund).toMatch(/\)\nBACKUP NO\nDISTSTYLE EVEN;$/)
  })

  it('resolves an unqualified name on the search path and refuses what the user may not read', async () => {
    await analyst.query('SET search_path TO showobj, public')
    try {
      expect((await analyst.query('SHOW TABLE sales')).rows[0]['Show Table DDL statement']).toMatch(
        /^CREATE TABLE showobj\.sales \(/,
      )
    } finally {
      await analyst.query('RESET search_path')
    }
    await expect(analyst.query('SHOW TABLE showobj.hidden')).rejects.toMatchObject({ code: '42501' })
    await expect(analyst.query('SHOW TABLE showobj.nope')).rejects.toMatchObject({ code: '42P01' })
  })

  it('SHOW VIEW prints the query; a late-binding view its CREATE ... WITH NO SCHEMA BINDING', async () => {
    const r = await admin.query('SHOW VIEW showobj.expensive')
    expect(r.fields.map((f) => f.name)).toEqual(['Show View DDL statement'])
    expect(r.rows[0]['Show View DDL statement']).toMatch(/^SELECT salesid\s+FROM showobj\.sales\s+WHERE/)
    await admin.query(`CREATE VIEW showobj.late AS SELECT salesid, note FROM showobj.sales WITH NO SCHEMA BINDING;
      GRANT SELECT ON showobj.late TO ${user.name}`)
    const late = (await analyst.query('SHOW VIEW showobj.late')).rows[0]['Show View DDL statement']
    expect(late).toMatch(
      /^create view showobj\.late as SELECT salesid,\s+note\s+FROM showobj\.sales with no schema binding;$/,
    )
    const cols = await analyst.query(`SELECT * FROM pg_get_late_binding_view_cols()
      cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int) WHERE view_schema = 'showobj'`)
    expect(cols.rows).toEqual([
      { view_schema: 'showobj', view_name: 'late', col_name: 'salesid', col_type: 'integer', col_num: 1 },
      {
        view_schema: 'showobj',
        view_name: 'late',
        col_name: 'note',
        col_type: 'character varying(20)',
        col_num: 2,
      },
    ])
    // It reads with its owner's rights, as on Redshift: the analyst reads it without SELECT on sales' source.
    await admin.query(`CREATE VIEW showobj.late_hidden AS SELECT id FROM showobj.hidden WITH NO SCHEMA BINDING;
      GRANT SELECT ON showobj.late_hidden TO ${user.name}`)
    expect((await analyst.query('SELECT count(*)::int AS n FROM showobj.late_hidden')).rows).toEqual([
      { n: 0 },
    ])
  })
})

describe('SHOW FUNCTIONS, PROCEDURES, PARAMETERS', () => {
  it('lists functions and procedures with Redshift columns', async () => {
    const f = await admin.query("SHOW FUNCTIONS FROM SCHEMA showobj LIKE 'f%'")
    expect(f.fields.map((x) => x.name)).toEqual([
      'database_name',
      'schema_name',
      'function_name',
      'number_of_arguments',
      'argument_list',
      'return_type',
      'remarks',
    ])
    expect(f.rows).toEqual([
      {
        database_name: database,
        schema_name: 'showobj',
        function_name: 'f_add',
        number_of_arguments: 2,
        argument_list: 'integer, character varying',
        return_type: 'integer',
        remarks: null,
      },
    ])
    const p = await admin.query(`SHOW PROCEDURES FROM SCHEMA ${database}.showobj`)
    expect(p.rows.map((x) => [x.procedure_name, x.argument_list])).toEqual([
      ['p_touch', 'integer, character varying'],
    ])
    // The analyst has no EXECUTE grant... but PostgreSQL grants EXECUTE to PUBLIC, as Redshift does.
    expect((await analyst.query('SHOW FUNCTIONS FROM SCHEMA showobj')).rows).toHaveLength(1)
  })

  it('SHOW PARAMETERS gives each argument with its mode and type', async () => {
    const r = await admin.query('SHOW PARAMETERS OF PROCEDURE showobj.p_touch(integer, varchar)')
    expect(
      r.rows.map((x) => [
        x.procedure_name,
        x.parameter_name,
        x.ordinal_position,
        x.parameter_type,
        x.data_type,
      ]),
    ).toEqual([
      ['p_touch', 'n', 1, 'IN', 'integer'],
      ['p_touch', 'msg', 2, 'INOUT', 'character varying'],
    ])
    const f = await admin.query("SHOW PARAMETERS OF FUNCTION showobj.f_add(int, varchar) LIKE 'b'")
    expect(f.rows.map((x) => [x.function_name, x.parameter_name])).toEqual([['f_add', 'b']])
    await expect(admin.query('SHOW PARAMETERS OF FUNCTION showobj.f_add(date)')).rejects.toMatchObject({
      code: '42883',
    })
  })
})

describe('SHOW CONSTRAINTS', () => {
  it('lists primary keys and foreign keys (imported and exported)', async () => {
    const pk = await analyst.query(`SHOW CONSTRAINTS PRIMARY KEYS FROM TABLE ${database}.showobj.sales`)
    expect(pk.fields.map((f) => f.name)).toEqual([
      'database_name',
      'schema_name',
      'table_name',
      'pk_name',
      'column_name',
      'key_seq',
    ])
    expect(pk.rows.map((x) => [x.column_name, x.key_seq])).toEqual([
      ['salesid', 1],
      ['listid', 2],
    ])
    const fk = await analyst.query('SHOW CONSTRAINTS FOREIGN KEYS FROM TABLE showobj.refund')
    expect(
      fk.rows.map((x) => [
        x.pk_table_name,
        x.pk_column_name,
        x.fk_table_name,
        x.fk_column_name,
        x.key_seq,
        x.pk_name,
      ]),
    ).toEqual([
      ['sales', 'salesid', 'refund', 'salesid', 1, 'sales_pkey'],
      ['sales', 'listid', 'refund', 'listid', 2, 'sales_pkey'],
    ])
    const exported = await analyst.query(
      'SHOW CONSTRAINTS FOREIGN KEYS EXPORTED FROM TABLE showobj.sales LIMIT 1',
    )
    expect(exported.rows.map((x) => x.fk_table_name)).toEqual(['refund'])
  })

  it('takes the bind parameters of the drivers prepared metadata statements', async () => {
    const r = await analyst.query('SHOW CONSTRAINTS PRIMARY KEYS FROM TABLE $1.$2.$3', [
      database,
      'showobj',
      'sales',
    ])
    expect(r.rows).toHaveLength(2)
    const c = await analyst.query('SHOW COLUMNS FROM TABLE $1.$2.$3 LIKE $4', [
      database,
      'showobj',
      'sales',
      'sales%',
    ])
    expect(c.rows.map((x) => x.column_name)).toEqual(['salesid'])
  })
})

describe('SHOW GRANTS', () => {
  it('on a table, for a user, with Redshift columns', async () => {
    const r = await admin.query(`SHOW GRANTS ON TABLE showobj.sales FOR ${user.name}`)
    expect(r.fields.map((f) => f.name)).toEqual([
      'database_name',
      'schema_name',
      'object_name',
      'object_type',
      'privilege_type',
      'identity_id',
      'identity_name',
      'identity_type',
      'admin_option',
      'privilege_scope',
      'grantor_name',
    ])
    expect(r.rows).toEqual([
      expect.objectContaining({
        schema_name: 'showobj',
        object_name: 'sales',
        object_type: 'TABLE',
        privilege_type: 'SELECT',
        identity_name: user.name,
        identity_type: 'user',
        admin_option: false,
        grantor_name: adminUser.name,
      }),
    ])
  })

  it('on a schema, and every grant to a user', async () => {
    const s = await analyst.query(`SHOW GRANTS ON SCHEMA showobj FOR ${user.name}`)
    expect(s.rows.map((x) => [x.object_type, x.privilege_type])).toEqual([['SCHEMA', 'USAGE']])
    const mine = await analyst.query(`SHOW GRANTS FOR ${user.name}`)
    // (Other tests of this file grant SELECT on views too.)
    const onShowobj = mine.rows.filter(
      (x) => x.schema_name === 'showobj' && [null, 'sales', 'refund'].includes(x.object_name),
    )
    expect(
      onShowobj.map((x) => `${x.object_type} ${x.object_name ?? ''} ${x.privilege_type}`).sort(),
    ).toEqual(['SCHEMA  USAGE', 'TABLE refund SELECT', 'TABLE sales SELECT'])
    await expect(admin.query('SHOW GRANTS FOR nobody_here')).rejects.toMatchObject({ code: '42704' })
    await expect(admin.query('SHOW GRANTS')).rejects.toMatchObject({ code: '42601' })
  })

  it('SHOW COLUMN GRANTS lists column privileges, as the drivers prepare it', async () => {
    await admin.query(`GRANT SELECT (id), UPDATE (id) ON showobj.hidden TO ${user.name}`)
    const r = await analyst.query('SHOW COLUMN GRANTS ON TABLE $1.$2.$3', [database, 'showobj', 'hidden'])
    expect(r.fields.map((f) => f.name)).toEqual([
      'database_name',
      'schema_name',
      'table_name',
      'column_name',
      'object_type',
      'privilege_type',
      'identity_id',
      'identity_name',
      'identity_type',
      'admin_option',
      'privilege_scope',
      'grantor_name',
    ])
    expect(r.rows.map((x) => [x.column_name, x.object_type, x.privilege_type, x.identity_name])).toEqual([
      ['id', 'COLUMN', 'SELECT', user.name],
      ['id', 'COLUMN', 'UPDATE', user.name],
    ])
    expect(
      (await admin.query("SHOW COLUMN GRANTS ON TABLE showobj.hidden FOR PUBLIC LIKE 'i%'")).rows,
    ).toEqual([])
  })
})

describe('catalog views', () => {
  it('svv_all_columns, svv_all_schemas and pg_proc_info answer with Redshift columns', async () => {
    const cols = await analyst.query(
      `SELECT database_name, schema_name, table_name, column_name, ordinal_position, data_type, character_maximum_length
       FROM svv_all_columns WHERE schema_name = 'showobj' AND table_name = 'sales' AND column_name = 'note'`,
    )
    expect(cols.rows).toEqual([
      {
        database_name: database,
        schema_name: 'showobj',
        table_name: 'sales',
        column_name: 'note',
        ordinal_position: 5,
        data_type: 'character varying',
        character_maximum_length: 20,
      },
    ])
    const schemas = await analyst.query(
      "SELECT schema_name, schema_type FROM svv_all_schemas WHERE schema_name = 'showobj'",
    )
    expect(schemas.rows).toEqual([{ schema_name: 'showobj', schema_type: 'local' }])
    const procs = await analyst.query(
      "SELECT proname, prokind FROM pg_proc_info WHERE proname IN ('f_add', 'p_touch') ORDER BY proname",
    )
    expect(procs.rows).toEqual([
      { proname: 'f_add', prokind: 'f' },
      { proname: 'p_touch', prokind: 'p' },
    ])
  })

  it('a database made with CREATE DATABASE has Redshift functions, views and SHOW commands', async () => {
    await admin.query('DROP DATABASE IF EXISTS showobj_db')
    await admin.query('CREATE DATABASE showobj_db')
    const other = new pg.Client({
      host,
      port,
      database: 'showobj_db',
      user: adminUser.name,
      password: adminUser.password,
    })
    await other.connect()
    try {
      await other.query('CREATE TABLE t (id INTEGER, name VARCHAR(10)) DISTKEY (id)')
      expect((await other.query("SELECT NVL(NULL, 'x') AS v")).rows).toEqual([{ v: 'x' }])
      expect(
        (await other.query("SELECT column_name FROM svv_all_columns WHERE table_name = 't' ORDER BY 1")).rows,
      ).toEqual([{ column_name: 'id' }, { column_name: 'name' }])
      // The gateway records DISTKEY / SORTKEY / ENCODE in the main database only (see the README).
      expect((await other.query('SHOW TABLE public.t')).rows[0]['Show Table DDL statement']).toContain(
        '    id integer ENCODE az64,\n    name character varying(10) ENCODE lzo\n)',
      )
    } finally {
      await other.end()
      await admin.query('DROP DATABASE IF EXISTS showobj_db')
    }
  })
})
