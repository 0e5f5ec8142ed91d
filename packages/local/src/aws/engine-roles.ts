/** {@link DatabaseRoles} over the embedded PostgreSQL: roles are created through one admin session. */
import type pg from 'pg'
import { connectAdmin } from '../engine/admin-session.js'
import type { Engine } from '../engine/engine.js'
import { engineUserAttributes, isRedshiftSuperuserSql } from '../engine/superuser-role.js'
import type { DatabaseRoles } from './database-logins.js'

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** Database roles backed by the engine; `close()` ends the admin session. */
export interface EngineRoles extends DatabaseRoles {
  close(): Promise<void>
}

/**
 * Creates users and logins in the engine. Logins are roles that may log in and inherit the
 * privileges of the roles they are members of, so `IAM:alice` acts with `alice`'s privileges plus
 * its session's `DbGroups`.
 *
 * @example
 * const roles = engineRoles(engine)
 * await roles.createLogin('IAM:alice', { as: 'alice', groups: ['analysts'] })
 */
export function engineRoles(engine: Engine): EngineRoles {
  let client: Promise<pg.Client> | undefined
  // One statement at a time on the shared session.
  let queue: Promise<unknown> = Promise.resolve()
  const session = (): Promise<pg.Client> => {
    client ??= (async () => {
      const c = engine.client('postgres')
      c.on('error', () => {
        client = undefined
      })
      await connectAdmin(c)
      return c
    })()
    return client
  }
  const run = <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => work(await session()))
    queue = next.catch(() => undefined)
    return next
  }
  const exists = (c: pg.Client, name: string): Promise<boolean> =>
    c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]).then((r) => (r.rowCount ?? 0) > 0)
  const ensure = (name: string, attrs: string): string =>
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(name)}) THEN CREATE ROLE ${ident(name)} ${attrs}; END IF; END $$`

  return {
    exists: (name) => run((c) => exists(c, name)),
    createUser: (name) =>
      run(async (c) => {
        await c.query(ensure(name, 'LOGIN NOSUPERUSER'))
      }),
    createLogin: (name, grants) =>
      run(async (c) => {
        const user =
          grants.as === undefined
            ? undefined
            : (
                await c.query<{ superuser: boolean }>(
                  `SELECT ${isRedshiftSuperuserSql('r.oid')} AS superuser FROM pg_catalog.pg_roles r WHERE r.rolname = $1`,
                  [grants.as],
                )
              ).rows[0]
        // CREATEDB/CREATEROLE are attributes, not privileges: membership in the user would not pass them
        // on (the Redshift superuser role's privileges it does).
        await c.query(ensure(name, 'LOGIN NOSUPERUSER INHERIT'))
        await c.query(`ALTER ROLE ${ident(name)} ${engineUserAttributes(user?.superuser === true)}`)
        const parents = [
          ...(user === undefined || grants.as === undefined ? [] : [grants.as]),
          ...grants.groups,
        ]
        for (const parent of parents) {
          if (parent !== name && (await exists(c, parent)))
            await c.query(`GRANT ${ident(parent)} TO ${ident(name)}`)
        }
      }),
    async close() {
      const c = client
      client = undefined
      if (c !== undefined) await (await c.catch(() => undefined))?.end().catch(() => undefined)
    },
  }
}
