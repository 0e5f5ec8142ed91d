import { isRedshiftSuperuserSql, REDSHIFT_SUPERUSER_ROLE, SUPERUSER_ROLE_SQL } from '../superuser-role.js'

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
