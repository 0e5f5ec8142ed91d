import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { storedPasswordMatches } from '../../src/gateway/auth.js'

// Users made with CREATE USER ... PASSWORD log in through the gateway (the shared server).
const { host, port, database, admin: adminUser } = inject('redshift')
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex')
const connect = async (user: string, password: string): Promise<pg.Client> => {
  const c = new pg.Client({ host, port, database, user, password })
  await c.connect()
  return c
}
const NAMES = ['sqlu_plain', 'sqlu_md5', 'sqlu_sha', 'sqlu_off', 'sqlu_role']
let admin: pg.Client

beforeAll(async () => {
  admin = await connect(adminUser.name, adminUser.password)
  await admin.query('DROP TABLE IF EXISTS public.sqlu_t')
  for (const n of NAMES) await admin.query(`DROP USER IF EXISTS ${n}`)
  await admin.query('DROP ROLE IF EXISTS sqlu_readers')
})
afterAll(async () => {
  await admin?.query('DROP TABLE IF EXISTS public.sqlu_t')
  for (const n of NAMES) await admin?.query(`DROP USER IF EXISTS ${n}`)
  await admin?.query('DROP ROLE IF EXISTS sqlu_readers')
  await admin?.end()
})

describe('CREATE USER ... PASSWORD', () => {
  it('a password in clear, in md5 form and in sha256| form each log in; a wrong one does not', async () => {
    await admin.query(`CREATE USER sqlu_plain PASSWORD 'Plain-pass-1'`)
    await admin.query(`CREATE USER sqlu_md5 PASSWORD 'md5${md5('Hashed-pass-2sqlu_md5')}'`)
    await admin.query(`CREATE USER sqlu_sha PASSWORD 'sha256|Sha-pass-3x'`)
    for (const [user, password] of [
      ['sqlu_plain', 'Plain-pass-1'],
      ['sqlu_md5', 'Hashed-pass-2'],
      ['sqlu_sha', 'Sha-pass-3x'],
    ] as const) {
      const c = await connect(user, password)
      expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: user }])
      await c.end()
    }
    await expect(connect('sqlu_plain', 'Wrong-pass-1')).rejects.toMatchObject({ code: '28000' })
    await admin.query(`ALTER USER sqlu_plain PASSWORD 'Changed-pass-9'`)
    await expect(connect('sqlu_plain', 'Plain-pass-1')).rejects.toMatchObject({ code: '28000' })
    await (await connect('sqlu_plain', 'Changed-pass-9')).end()
  })

  it("PASSWORD DISABLE and an expired VALID UNTIL refuse the login; Redshift's password rules apply", async () => {
    await admin.query(`CREATE USER sqlu_off PASSWORD 'Off-pass-12'`)
    await admin.query('ALTER USER sqlu_off PASSWORD DISABLE')
    await expect(connect('sqlu_off', 'Off-pass-12')).rejects.toMatchObject({ code: '28000' })
    await admin.query(`ALTER USER sqlu_off PASSWORD 'Off-pass-12' VALID UNTIL '2001-01-01'`)
    await expect(connect('sqlu_off', 'Off-pass-12')).rejects.toMatchObject({ code: '28000' })
    await expect(admin.query(`ALTER USER sqlu_off PASSWORD 'short1A'`)).rejects.toMatchObject({
      code: '22023',
    })
    await expect(admin.query(`ALTER USER sqlu_off PASSWORD 'nouppercase1'`)).rejects.toMatchObject({
      message: 'password must contain an uppercase character',
    })
    await expect(admin.query(`ALTER USER sqlu_off PASSWORD 'sha256|abc|def'`)).rejects.toMatchObject({
      code: '0A000',
    })
  })
})

describe('roles', () => {
  it('CREATE ROLE, GRANT ... TO ROLE, GRANT ROLE ... TO user, sys: roles, REVOKE ROLE', async () => {
    await admin.query(`CREATE USER sqlu_role PASSWORD 'Role-pass-1'`)
    await admin.query('CREATE ROLE sqlu_readers')
    await admin.query('CREATE TABLE public.sqlu_t (id INTEGER); INSERT INTO public.sqlu_t VALUES (1)')
    await admin.query('REVOKE ALL ON public.sqlu_t FROM PUBLIC')
    await admin.query('GRANT SELECT ON public.sqlu_t TO ROLE sqlu_readers')
    const user = await connect('sqlu_role', 'Role-pass-1')
    try {
      await expect(user.query('SELECT id FROM public.sqlu_t')).rejects.toMatchObject({ code: '42501' })
      await admin.query('GRANT ROLE sqlu_readers TO sqlu_role')
      expect((await user.query('SELECT id FROM public.sqlu_t')).rows).toEqual([{ id: 1 }])
      const grants = await admin.query('SHOW GRANTS ON TABLE public.sqlu_t FOR ROLE sqlu_readers')
      expect(grants.rows.map((r) => [r.identity_name, r.identity_type, r.privilege_type])).toEqual([
        ['sqlu_readers', 'role', 'SELECT'],
      ])
      // A system role: sys:monitor reads every session's statistics.
      await admin.query('GRANT ROLE sys:monitor TO sqlu_role')
      expect((await user.query(`SELECT pg_has_role('sys:monitor', 'MEMBER') AS m`)).rows).toEqual([
        { m: true },
      ])
      await admin.query('REVOKE ROLE sys:monitor FROM sqlu_role')
      await admin.query('REVOKE ROLE sqlu_readers FROM sqlu_role')
      await expect(user.query('SELECT id FROM public.sqlu_t')).rejects.toMatchObject({ code: '42501' })
    } finally {
      await user.end()
    }
  })
})

describe('stored MD5 passwords', () => {
  it('answer both the MD5 challenge and a cleartext password', () => {
    const stored = `md5${md5('Pw-secret-1bob')}`
    const salt = randomBytes(4)
    const challenge = `md5${md5(Buffer.concat([Buffer.from(md5('Pw-secret-1bob')), salt]))}`
    expect(storedPasswordMatches('md5', challenge, 'bob', stored, salt)).toBe(true)
    expect(storedPasswordMatches('md5', challenge, 'bob', stored, randomBytes(4))).toBe(false)
    expect(storedPasswordMatches('cleartext', 'Pw-secret-1', 'bob', stored, salt)).toBe(true)
    expect(storedPasswordMatches('cleartext', 'Pw-secret-2', 'bob', stored, salt)).toBe(false)
    expect(storedPasswordMatches('cleartext', 'x', 'bob', 'SCRAM-SHA-256$4096:...', salt)).toBe(false)
  })
})
