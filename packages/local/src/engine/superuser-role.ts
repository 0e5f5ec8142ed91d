/**
 * What a Redshift superuser is in the engine. Never PostgreSQL's SUPERUSER: that attribute reaches the
 * host (COPY ... PROGRAM, pg_read_file, untrusted languages, ALTER SYSTEM, LOAD), which Redshift has
 * none of. A Redshift superuser is a role with CREATEDB and CREATEROLE that is a member of
 * {@link REDSHIFT_SUPERUSER_ROLE}, which holds the predefined roles that let it read and write every
 * table, see every session's statistics, cancel other sessions and vacuum any table: what PostgreSQL
 * grants without SUPERUSER, and none of `pg_execute_server_program`, `pg_read_server_files`,
 * `pg_write_server_files` or `pg_create_subscription`.
 */
import type pg from 'pg'

/** The engine role every Redshift superuser is a member of (its mark, and its privileges). */
export const REDSHIFT_SUPERUSER_ROLE = 'rk_superuser'

/**
 * The predefined roles granted to {@link REDSHIFT_SUPERUSER_ROLE}. Since PostgreSQL 16 a CREATEROLE
 * role can only grant roles it holds with ADMIN OPTION, so a Redshift superuser cannot hand itself
 * any other predefined role.
 */
export const REDSHIFT_SUPERUSER_GRANTS = [
  'pg_read_all_data',
  'pg_write_all_data',
  'pg_read_all_stats',
  'pg_signal_backend',
  'pg_maintain',
] as const

/** Role attributes of a gateway user in the engine: the same for every user but CREATEDB/CREATEROLE. */
export function engineUserAttributes(superuser: boolean): string {
  const extra = superuser ? 'CREATEDB CREATEROLE' : 'NOCREATEDB NOCREATEROLE'
  return `LOGIN INHERIT NOSUPERUSER NOREPLICATION NOBYPASSRLS ${extra}`
}

/**
 * Creates {@link REDSHIFT_SUPERUSER_ROLE} when missing and grants it its predefined roles (roles are
 * cluster-wide: any database will do). Idempotent.
 */
export const SUPERUSER_ROLE_SQL = `
DO $rk_role$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${REDSHIFT_SUPERUSER_ROLE}') THEN
    CREATE ROLE ${REDSHIFT_SUPERUSER_ROLE} NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END $rk_role$;
ALTER ROLE ${REDSHIFT_SUPERUSER_ROLE} NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT ${REDSHIFT_SUPERUSER_GRANTS.join(', ')} TO ${REDSHIFT_SUPERUSER_ROLE};
`

/**
 * SQL that is true when role `roleOid` (an SQL expression) is a Redshift superuser: a member of
 * {@link REDSHIFT_SUPERUSER_ROLE} or the engine's own superuser. False when the role is missing.
 */
export function isRedshiftSuperuserSql(roleOid: string): string {
  return `coalesce((SELECT pg_catalog.pg_has_role(${roleOid}, rk_su.oid, 'USAGE') FROM pg_catalog.pg_roles rk_su WHERE rk_su.rolname = '${REDSHIFT_SUPERUSER_ROLE}'), false)`
}

/** A database user as the engine needs it. */
export interface EngineUser {
  readonly name: string
  readonly superuser?: boolean | undefined
  readonly groups?: readonly string[] | undefined
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * Creates (or brings up to date, for a kept data directory) the engine roles of `users` and their
 * groups. Runs as the engine superuser, in any database. Roles carry no password: the gateway
 * authenticates clients.
 *
 * @example
 * await ensureEngineUsers(admin, [{ name: 'awsuser', superuser: true }, { name: 'etl', groups: ['loaders'] }])
 */
export async function ensureEngineUsers(client: pg.Client, users: readonly EngineUser[]): Promise<void> {
  await client.query(SUPERUSER_ROLE_SQL)
  const groups = new Set(users.flatMap((u) => u.groups ?? []))
  for (const group of groups) {
    await client.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(group)}) THEN CREATE ROLE ${ident(group)} NOLOGIN; END IF; END $$`,
    )
  }
  for (const user of users) {
    const superuser = user.superuser === true
    await client.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(user.name)}) THEN CREATE ROLE ${ident(user.name)} NOLOGIN; END IF; END $$`,
    )
    // Also on an existing role: a data directory made by an older version held SUPERUSER users.
    await client.query(`ALTER ROLE ${ident(user.name)} ${engineUserAttributes(superuser)}`)
    await client.query(
      `${superuser ? 'GRANT' : 'REVOKE'} ${REDSHIFT_SUPERUSER_ROLE} ${superuser ? 'TO' : 'FROM'} ${ident(user.name)}`,
    )
    for (const group of user.groups ?? []) await client.query(`GRANT ${ident(group)} TO ${ident(user.name)}`)
  }
}
