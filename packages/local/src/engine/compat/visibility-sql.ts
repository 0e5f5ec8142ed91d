import { isRedshiftSuperuserSql } from '../superuser-role.js'

/**
 * The current time in UTC as `timestamp`, the form of every time in `rk_internal` and in Redshift's
 * system tables. Statement time, so one query sees one "now".
 */
export const NOW_UTC = `(pg_catalog.statement_timestamp() AT TIME ZONE 'UTC')`

/**
 * True when the current user is a Redshift superuser (a member of the Redshift superuser role, see
 * superuser-role.ts). A scalar subquery, so it is evaluated once per query as an InitPlan;
 * `current_user` is the invoker even inside a view, so SET ROLE is honoured.
 */
export const CURRENT_USER_IS_SUPERUSER = isRedshiftSuperuserSql(
  `(SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)`,
)

/**
 * Redshift's rule for STL/STV/SVL/SYS views: superusers see every row, other users their own.
 *
 * @param userNameColumn the column holding the user name the row belongs to
 */
export function visibleToCurrentUser(userNameColumn: string): string {
  return `(${userNameColumn} = CURRENT_USER OR ${CURRENT_USER_IS_SUPERUSER})`
}

/** Helpers the system views share; created before them. */
export const VIEW_HELPERS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.micros(interval) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN (extract(epoch FROM $1) * 1000000)::bigint;
-- Redshift labels a statement 'default' when the session has no query group.
CREATE OR REPLACE FUNCTION rk_internal.query_label(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN $1 IS NULL OR $1 IN ('', 'unset') THEN 'default' ELSE $1 END;
`
