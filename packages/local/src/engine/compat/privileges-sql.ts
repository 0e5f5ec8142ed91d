import { isRedshiftSuperuserSql, REDSHIFT_SUPERUSER_ROLE, SUPERUSER_ROLE_SQL } from '../superuser-role.js'

/**
 * Redshift's system roles (granted with `GRANT ROLE sys:dba TO user`). `sys:superuser` makes a Redshift
 * superuser (a member of rk_superuser); `sys:monitor` reads every session's statistics, `sys:operator`
 * also cancels sessions and vacuums; `sys:dba` and `sys:secadmin` exist and carry no engine privilege.
 * Redshift superusers may grant all but `sys:superuser` (which would make rk_superuser a member of itself).
 */
export const SYSTEM_ROLES = [
  'sys:superuser',
  'sys:dba',
  'sys:operator',
  'sys:secadmin',
  'sys:monitor',
] as const

/** Redshift superusers may create schemas in the connected database (a grant copies do not inherit). */
export const DATABASE_GRANT_SQL = `DO $rk_priv$ BEGIN
  EXECUTE pg_catalog.format('GRANT CREATE, TEMPORARY ON DATABASE %I TO ${REDSHIFT_SUPERUSER_ROLE}', pg_catalog.current_database());
END $rk_priv$;`

/**
 * Who may do what, run last in the compat script (after every table and view exists).
 *
 * - The Redshift superuser role (see superuser-role.ts) exists, and may create schemas in this database.
 * - The gateway's tables in rk_internal get row-level security with no policy: Redshift superusers read
 *   and write every table through pg_read_all_data / pg_write_all_data, but not the gateway's own
 *   bookkeeping. The engine superuser (the gateway) and the system views (owned by it) bypass it.
 * - pg_user.usesuper is true for Redshift superusers, as Redshift's pg_user shows them.
 */
export const PRIVILEGES_SQL = `
${SUPERUSER_ROLE_SQL}
DO $rk_sys$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY[${SYSTEM_ROLES.map((r) => `'${r}'`).join(', ')}] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
    END IF;
  END LOOP;
END $rk_sys$;
ALTER ROLE "sys:superuser" INHERIT;
GRANT ${REDSHIFT_SUPERUSER_ROLE} TO "sys:superuser";
ALTER ROLE "sys:monitor" INHERIT;
GRANT pg_read_all_stats TO "sys:monitor";
ALTER ROLE "sys:operator" INHERIT;
GRANT pg_read_all_stats, pg_signal_backend, pg_maintain TO "sys:operator";
GRANT "sys:dba", "sys:operator", "sys:secadmin", "sys:monitor" TO ${REDSHIFT_SUPERUSER_ROLE} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
${DATABASE_GRANT_SQL}
DO $rk_priv$ DECLARE t regclass; BEGIN
  FOR t IN SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'rk_internal' AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  END LOOP;
END $rk_priv$;
CREATE OR REPLACE VIEW pg_catalog.pg_user AS
SELECT s.usename, s.usesysid, s.usecreatedb, (s.usesuper OR ${isRedshiftSuperuserSql('s.usesysid')}) AS usesuper,
  s.userepl, s.usebypassrls, '********'::text AS passwd, s.valuntil, s.useconfig
FROM pg_catalog.pg_shadow s;
`
