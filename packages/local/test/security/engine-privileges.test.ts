/**
 * Attacks on the engine through the gateway and around it: a regular user trying to become the engine
 * superuser, a Redshift superuser trying to reach the host, and other local accounts or TCP clients
 * trying to reach the engine directly. Each test is the attack itself.
 */
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureEngineUsers } from '../../src/engine/superuser-role.js'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

const ADMIN = { name: 'awsuser', password: 'Admin-pass-1', superuser: true }
const MALLORY = { name: 'mallory', password: 'Mallory-pass-1' }

let redshift: LocalRedshift
let engine: pg.Client
const clients: pg.Client[] = []

async function connect(user: { name: string; password: string }): Promise<pg.Client> {
  const c = new pg.Client({
    host: redshift.wire.host,
    port: redshift.wire.port,
    user: user.name,
    password: user.password,
    database: 'dev',
  })
  c.on('error', () => undefined)
  await c.connect()
  clients.push(c)
  return c
}

/** Whether `role` holds PostgreSQL's SUPERUSER attribute, asked of the engine itself. */
async function engineSuperuser(role: string): Promise<boolean> {
  const r = await engine.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [
    role,
  ])
  return r.rows[0]?.rolsuper === true
}

beforeAll(async () => {
  redshift = await startLocalRedshift({ users: [ADMIN, MALLORY], aws: false, tls: false })
  engine = new pg.Client({
    host: redshift.engine.host,
    port: redshift.engine.port,
    user: redshift.engine.user,
    password: redshift.engine.password,
    database: 'dev',
  })
  await engine.connect()
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
  await engine?.end()
  await redshift?.stop()
})

describe('a regular user cannot gain the engine superuser’s rights', () => {
  it('through rk_internal.table_rows counting a view whose function alters the caller’s role', async () => {
    const m = await connect(MALLORY)
    await m.query(`create function public.escalate_by_count() returns int language plpgsql as $$
      begin execute 'alter role mallory superuser'; return 1; end $$`)
    await m.query('create view public.trap_view as select public.escalate_by_count() as x')
    const counted = await m.query(`select rk_internal.table_rows('public.trap_view'::regclass) as n`).then(
      (r) => r.rows[0]?.n,
      (e: { code?: string }) => e.code,
    )
    expect(counted === null || counted === '42501').toBe(true)
    expect(await engineSuperuser('mallory')).toBe(false)
  })

  it('through a look-alike operator in public that the gateway’s bookkeeping would pick', async () => {
    const m = await connect(MALLORY)
    // float8 / integer has no exact match in pg_catalog: an exact one in public would win the lookup.
    await m.query(`create function public.escalating_div(float8, integer) returns float8 language plpgsql as $$
      begin
        begin execute 'alter role mallory superuser'; exception when others then null; end;
        return $1 / $2::float8;
      end $$`)
    // Nested: the dialect refuses CREATE OPERATOR at the top level (Redshift has none), the engine does not.
    await m.query(`do $$ begin
      execute 'create operator public./ (leftarg = float8, rightarg = integer, function = public.escalating_div)';
    end $$`)
    await m.query('select 1')
    // Reading a system view waits for the query log's flush, which ran the gateway's own SQL.
    const seen = await m.query(`select count(*)::int as n from stl_query where querytxt like 'select 1%'`)
    expect(seen.rows[0]?.n).toBeGreaterThan(0)
    expect(await engineSuperuser('mallory')).toBe(false)
  })

  it('no compat function runs with its owner’s rights (SECURITY DEFINER)', async () => {
    const r = await engine.query(
      `SELECT p.oid::regprocedure::text AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE p.prosecdef AND n.nspname IN ('pg_catalog', 'rk_internal') AND p.oid >= 16384`,
    )
    expect(r.rows).toEqual([])
  })

  it('the gateway’s tables in rk_internal stay closed to users, superusers included', async () => {
    const a = await connect(ADMIN)
    await a.query('select 1')
    expect((await a.query('select count(*)::int as n from stl_query')).rows[0]?.n).toBeGreaterThan(0)
    expect((await a.query('select count(*)::int as n from rk_internal.queries')).rows[0]?.n).toBe(0)
    await a.query(`insert into rk_internal.queries
      select query_id + 1000000, xid, pid, user_id, user_name, database_name, label, query_type, status,
        service_class, queue_name, slot_count, queue_start, start_time, end_time, returned_rows,
        returned_bytes, rows_affected, error_message, 'forged' from rk_internal.queries`)
    await expect(
      a.query(`insert into rk_internal.wlm_queues values (99, 'forged', '{}', '{}', 1, 0, false, false)`),
    ).rejects.toMatchObject({ code: '42501' })
    const forged = await engine.query(
      `SELECT count(*)::int AS n FROM rk_internal.queries WHERE query_text = 'forged'`,
    )
    expect(forged.rows[0]?.n).toBe(0)
  })
})

/**
 * Statements that would reach the host or the engine's configuration. Each is refused at the top level
 * (by the dialect where Redshift lacks or cannot parse the statement, else by the engine) and nested in
 * a DO block, where only the engine's privileges stand in the way (42501).
 */
const HOST_REACHING: readonly (readonly [name: string, sql: string, nestable?: false])[] = [
  ['COPY FROM PROGRAM', `copy host_t from program 'id'`],
  ['COPY TO PROGRAM', `copy host_t to program 'id'`],
  ['COPY FROM a server file', `copy host_t from '/etc/passwd'`],
  ['COPY TO a server file', `copy host_t to '/tmp/rk-pwned'`],
  ['pg_read_file', `select pg_read_file('/etc/passwd')`],
  ['pg_read_binary_file', `select pg_read_binary_file('/etc/passwd')`],
  ['pg_ls_dir', `select pg_ls_dir('/')`],
  ['pg_stat_file', `select pg_stat_file('/etc/passwd')`],
  ['lo_import', `select lo_import('/etc/passwd')`],
  ['lo_export', `select lo_export(lo_create(0), '/tmp/rk-pwned')`],
  // PostgreSQL itself forbids ALTER SYSTEM inside a transaction block, so it cannot be nested.
  ['ALTER SYSTEM', `alter system set work_mem = '64MB'`, false],
  ['pg_reload_conf', 'select pg_reload_conf()'],
  ['LOAD', `load 'auto_explain'`],
  ['an untrusted language', 'create extension plpython3u'],
  ['dblink', 'create extension dblink'],
  ['file_fdw', 'create extension file_fdw'],
  ['a C function', `create function public.sh() returns int language c as '/bin/sh', 'main'`],
  [
    'a subscription',
    `create subscription s connection 'host=127.0.0.1' publication p with (connect = false)`,
  ],
  ['becoming the engine superuser', 'alter role awsuser superuser'],
  ['a new engine superuser', 'create role rk_pwned superuser'],
  ['the host-reaching predefined roles', 'grant pg_execute_server_program to awsuser'],
  ['SET SESSION AUTHORIZATION', 'set session authorization rdsdb'],
  ['SET ROLE to the engine superuser', 'set role rdsdb'],
]

const nested = (sql: string): string => `do $rk$ begin execute ${pg.escapeLiteral(sql)}; end $rk$`

describe('a Redshift superuser cannot reach the host', () => {
  let admin: pg.Client
  beforeAll(async () => {
    admin = await connect(ADMIN)
    await admin.query('create table host_t (line varchar(4000))')
  })

  const pairs = (list: typeof HOST_REACHING) => list.map(([name, sql]): [string, string] => [name, sql])

  it.each(pairs(HOST_REACHING))('%s is refused at the top level', async (_name, sql) => {
    const code = await admin.query(sql).then(
      () => 'ran',
      (e: { code?: string }) => e.code,
    )
    // The engine's 42501, or the dialect's refusal of what Redshift lacks (0A000) or cannot parse (42601).
    expect(['42501', '0A000', '42601']).toContain(code)
  })

  it.each(pairs(HOST_REACHING.filter(([, , nestable]) => nestable !== false)))(
    '%s is refused nested in DO (42501)',
    async (_name, sql) => {
      await expect(admin.query(nested(sql))).rejects.toMatchObject({ code: '42501' })
    },
  )

  it('COPY FROM PROGRAM inside a function is refused (42501)', async () => {
    await admin.query(`create function public.run_program() returns void language plpgsql as $$
       begin execute 'copy host_t from program ''id'''; end $$`)
    await expect(admin.query('select public.run_program()')).rejects.toMatchObject({ code: '42501' })
  })

  it('COPY FROM PROGRAM at the top level is Redshift’s refusal (0A000)', async () => {
    await expect(admin.query(`copy host_t from program 'id'`)).rejects.toMatchObject({ code: '0A000' })
  })

  it('is not the engine superuser, and nothing above changed that', async () => {
    expect(await engineSuperuser('awsuser')).toBe(false)
    expect((await admin.query('show is_superuser')).rows[0]).toEqual({ is_superuser: 'off' })
  })
})

describe('a Redshift superuser keeps what Redshift grants it', () => {
  it('reads and writes other users’ tables, creates users, schemas and databases, and is usesuper', async () => {
    const m = await connect(MALLORY)
    await m.query('create table mallory_own (id int)')
    await m.query('insert into mallory_own values (1)')
    const a = await connect(ADMIN)
    await a.query('insert into mallory_own values (2)')
    expect((await a.query('select count(*)::int as n from mallory_own')).rows[0]?.n).toBe(2)
    await a.query(`create user newcomer password 'Newcomer-pass-1'`)
    await a.query('create schema admin_made')
    await a.query('create database other_db')
    const me = await a.query('select usesuper from pg_user where usename = current_user')
    expect(me.rows[0]).toEqual({ usesuper: true })
    const them = await m.query(`select usesuper from pg_user where usename = 'mallory'`)
    expect(them.rows[0]).toEqual({ usesuper: false })
    await expect(m.query('select count(*) from mallory_own, host_t')).rejects.toMatchObject({ code: '42501' })
    // Unlike Redshift: PostgreSQL leaves dropping and altering to owners when there is no SUPERUSER.
    await expect(a.query('drop table mallory_own')).rejects.toMatchObject({ code: '42501' })
  })

  it('sees every user’s statements in the system views, cancels their sessions', async () => {
    const m = await connect(MALLORY)
    await m.query(`select 'seen by the superuser'`)
    const a = await connect(ADMIN)
    const seen = await a.query(
      `select count(*)::int as n from stl_query where querytxt like '%seen by the superuser%'`,
    )
    expect(seen.rows[0]?.n).toBe(1)
    const pid = (await m.query('select pg_backend_pid() as pid')).rows[0]?.pid as number
    expect((await a.query('select pg_cancel_backend($1) as ok', [pid])).rows[0]).toEqual({ ok: true })
  })
})

/** Runs `script` with node as another OS account; resolves with what it printed. */
function runAs(uid: number, script: string): Promise<string> {
  const child = spawn(process.execPath, ['-e', script], { uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString()
  })
  return new Promise((resolve) => child.once('exit', () => resolve(out.trim())))
}

async function engineError(config: pg.ClientConfig): Promise<string | undefined> {
  const c = new pg.Client({ host: '127.0.0.1', port: redshift.engine.port, database: 'dev', ...config })
  c.on('error', () => undefined)
  try {
    await c.connect()
    await c.end()
    return undefined
  } catch (e) {
    return (e as { code?: string }).code
  }
}

describe('the engine’s Unix socket', () => {
  it('sits in a directory only the engine’s OS account may enter', async () => {
    const dir = await stat(redshift.engine.socketDir)
    expect(dir.mode & 0o777).toBe(0o700)
    const socket = path.join(redshift.engine.socketDir, `.s.PGSQL.${redshift.engine.port}`)
    expect((await stat(socket)).uid).toBe(dir.uid)
  })

  it('accepts peer authentication of our own account only, never trust', async () => {
    const admin = new pg.Client({
      host: '127.0.0.1',
      port: redshift.engine.port,
      user: redshift.engine.user,
      password: redshift.engine.password,
      database: 'dev',
    })
    await admin.connect()
    try {
      const rules = await admin.query<{ type: string; auth_method: string }>(
        'SELECT type, auth_method FROM pg_hba_file_rules WHERE error IS NULL',
      )
      expect(rules.rows.length).toBeGreaterThan(0)
      expect(rules.rows.map((r) => r.auth_method)).not.toContain('trust')
      expect(rules.rows.filter((r) => r.type === 'local').map((r) => r.auth_method)).toEqual(['peer'])
    } finally {
      await admin.end()
    }
  })

  it.skipIf(process.getuid?.() !== 0)(
    'refuses another local OS account (nobody, 65534) (needs root to act as another account)',
    async () => {
      const socket = path.join(redshift.engine.socketDir, `.s.PGSQL.${redshift.engine.port}`)
      const script = `const s = require('node:net').connect(${JSON.stringify(socket)});
        s.on('connect', () => { console.log('connected'); s.destroy() });
        s.on('error', (e) => console.log(e.code))`
      expect(await runAs(65534, script)).toBe('EACCES')
    },
  )
})

describe('the engine’s TCP port', () => {
  it('refuses gateway users, with or without a password', async () => {
    expect(await engineError({ user: 'awsuser', password: 'Password1' })).toBe('28000')
  })

  it('refuses the engine superuser without its password', async () => {
    expect(await engineError({ user: redshift.engine.user, password: 'not-the-password' })).toBe('28P01')
  })
})

describe('a kept cluster from an older version', () => {
  it('has its users brought to the roles they are configured with at start', async () => {
    // Older versions made Redshift superusers engine superusers.
    await engine.query('ALTER ROLE mallory SUPERUSER')
    await ensureEngineUsers(engine, [{ name: 'mallory', superuser: true }])
    expect(await engineSuperuser('mallory')).toBe(false)
    const member = `SELECT pg_has_role('mallory', 'rk_superuser', 'MEMBER') AS m, rolcreaterole FROM pg_roles WHERE rolname = 'mallory'`
    expect((await engine.query(member)).rows[0]).toEqual({ m: true, rolcreaterole: true })
    await ensureEngineUsers(engine, [{ name: 'mallory' }])
    expect((await engine.query(member)).rows[0]).toEqual({ m: false, rolcreaterole: false })
  })
})

describe('a burst of logins', () => {
  it('looks up roles and passwords without pg warning the host process about overlapping queries', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`)
    process.on('warning', onWarning)
    try {
      const admin = await connect(ADMIN)
      await admin.query("CREATE USER burst PASSWORD 'Burst-pass-1'")
      // Uncached roles and stored passwords, looked up by every login at once.
      const logins = await Promise.all([
        ...Array.from({ length: 8 }, () => connect({ name: 'burst', password: 'Burst-pass-1' })),
        ...Array.from({ length: 8 }, () => connect(MALLORY)),
      ])
      expect(logins).toHaveLength(16)
      // A warning is emitted on the next tick: let it arrive.
      await new Promise((r) => setImmediate(r))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.startsWith('DeprecationWarning'))).toEqual([])
  })
})
