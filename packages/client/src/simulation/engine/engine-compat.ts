import { REDSHIFT_FUNCTIONS_SQL } from '@redshift-kit/dialect'

/**
 * Redshift functions and aggregate semantics installed in the mock's engine, so that tests can run
 * the SQL they run on Redshift. The schema comes first in the search_path and `pg_catalog` last, so
 * `sum(bigint)` and integer `avg` resolve to Redshift's versions (BIGINT results, integer averages
 * truncated) rather than PostgreSQL's NUMERIC ones.
 */
export const COMPAT_SCHEMA = 'redshift_mock'

/** The search_path every engine session runs with. */
export const ENGINE_SEARCH_PATH = `${COMPAT_SCHEMA}, public, pg_catalog`

/**
 * The statements that install Redshift's types and functions (shared with redshift-local through the
 * dialect package) and the mock's aggregate overrides (run once, in the template engine).
 */
export const COMPAT_SQL = `
SET search_path = pg_catalog, public;
-- As pg_dump restores (and redshift-local installs): a string body is checked at its first call, so the
-- first mock start does not pay for parsing every body. Reset below: users' CREATE FUNCTION is checked.
SET check_function_bodies = off;
${REDSHIFT_FUNCTIONS_SQL}
CREATE SCHEMA ${COMPAT_SCHEMA};
CREATE AGGREGATE ${COMPAT_SCHEMA}.sum(bigint) (SFUNC = int8pl, STYPE = bigint);
CREATE FUNCTION ${COMPAT_SCHEMA}.int_avg_final(bigint[]) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT CASE WHEN $1[1] = 0 THEN NULL ELSE trunc($1[2]::numeric / $1[1])::bigint END $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.int_avg_accum(bigint[], smallint) RETURNS bigint[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN $2 IS NULL THEN $1 ELSE ARRAY[$1[1] + 1, $1[2] + $2] END $$;
CREATE AGGREGATE ${COMPAT_SCHEMA}.avg(smallint) (SFUNC = ${COMPAT_SCHEMA}.int_avg_accum, STYPE = bigint[], FINALFUNC = ${COMPAT_SCHEMA}.int_avg_final, INITCOND = '{0,0}');
CREATE FUNCTION ${COMPAT_SCHEMA}.int_avg_accum(bigint[], integer) RETURNS bigint[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN $2 IS NULL THEN $1 ELSE ARRAY[$1[1] + 1, $1[2] + $2] END $$;
CREATE AGGREGATE ${COMPAT_SCHEMA}.avg(integer) (SFUNC = ${COMPAT_SCHEMA}.int_avg_accum, STYPE = bigint[], FINALFUNC = ${COMPAT_SCHEMA}.int_avg_final, INITCOND = '{0,0}');
CREATE FUNCTION ${COMPAT_SCHEMA}.int_avg_accum(bigint[], bigint) RETURNS bigint[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN $2 IS NULL THEN $1 ELSE ARRAY[$1[1] + 1, $1[2] + $2] END $$;
CREATE AGGREGATE ${COMPAT_SCHEMA}.avg(bigint) (SFUNC = ${COMPAT_SCHEMA}.int_avg_accum, STYPE = bigint[], FINALFUNC = ${COMPAT_SCHEMA}.int_avg_final, INITCOND = '{0,0}');
RESET check_function_bodies;
`
