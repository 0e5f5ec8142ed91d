/**
 * Redshift functions and aggregate semantics installed in the mock's engine, so that tests can run
 * the SQL they run on Redshift. The schema comes first in the search_path and `pg_catalog` last, so
 * `sum(bigint)` and integer `avg` resolve to Redshift's versions (BIGINT results, integer averages
 * truncated) rather than PostgreSQL's NUMERIC ones.
 */
export const COMPAT_SCHEMA = 'redshift_mock'

/** The search_path every engine session runs with. */
export const ENGINE_SEARCH_PATH = `${COMPAT_SCHEMA}, public, pg_catalog`

/** The statements that install the compat schema (run once, in the template engine). */
export const COMPAT_SQL = `
CREATE SCHEMA ${COMPAT_SCHEMA};
CREATE FUNCTION ${COMPAT_SCHEMA}.getdate() RETURNS timestamp LANGUAGE sql STABLE
  AS $$ SELECT date_trunc('second', now() AT TIME ZONE 'UTC') $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE
  AS $$ SELECT coalesce($1, $2) $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.nvl2(anyelement, anycompatible, anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN $1 IS NULL THEN $3 ELSE $2 END $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.len(text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT length($1) $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.json_parse(text) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT $1::jsonb $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.json_serialize(jsonb) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT $1::text $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.is_valid_json(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT
  AS $$ BEGIN PERFORM $1::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.json_extract_path_text(jsonb, VARIADIC text[]) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT jsonb_extract_path_text($1, VARIADIC $2) $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.from_hex(text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT decode($1, 'hex') $$;
CREATE FUNCTION ${COMPAT_SCHEMA}.to_varbyte(text, text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT CASE lower($2) WHEN 'hex' THEN decode($1, 'hex') WHEN 'base64' THEN decode($1, 'base64') ELSE convert_to($1, 'UTF8') END $$;
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
`
