/**
 * PERCENTILE_CONT / PERCENTILE_DISC / MEDIAN with Redshift's result types (integers and DECIMAL give
 * DECIMAL, floats DOUBLE, DATE a DATE, TIMESTAMP a TIMESTAMP), as aggregates and as window functions.
 *
 * PostgreSQL has PERCENTILE_CONT only over double precision and interval, and its ordered-set
 * aggregates cannot take OVER. The aggregates over the other types are defined here (their state is
 * the values, sorted at the end). The window form is rewritten by the dialect (percentile-window.ts)
 * to `rk_internal.percentile_cont(p, array_agg(x) OVER (... ORDER BY x ...), count(x) OVER (...))`: the
 * window sorts the partition once and the functions below only index into it.
 */

/** [SQL type of the values, SQL type of the result, interpolation of a[f] towards a[c] by fraction r]. */
const CONT_TYPES: readonly (readonly [string, string, string])[] = [
  ['smallint', 'numeric', 'pg_catalog.trim_scale(a[f] + (r::numeric * (a[c] - a[f])))'],
  ['integer', 'numeric', 'pg_catalog.trim_scale(a[f] + (r::numeric * (a[c] - a[f])))'],
  ['bigint', 'numeric', 'pg_catalog.trim_scale(a[f] + (r::numeric * (a[c] - a[f])))'],
  ['numeric', 'numeric', 'a[f] + (r::numeric * (a[c] - a[f]))'],
  ['double precision', 'double precision', 'a[f] + (r * (a[c] - a[f]))'],
  ['real', 'double precision', 'a[f] + (r * (a[c] - a[f]))'],
  ['date', 'date', "(a[f]::timestamp + (r * (a[c] - a[f])) * interval '1 day')::date"],
  ['timestamp', 'timestamp', 'a[f] + (r * (a[c] - a[f]))'],
  ['timestamptz', 'timestamptz', 'a[f] + (r * (a[c] - a[f]))'],
]

const CHECK_P = `
CREATE OR REPLACE FUNCTION rk_internal.percentile_rank(p double precision, n bigint) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF p < 0 OR p > 1 OR p = 'NaN' THEN
    RAISE EXCEPTION 'percentile value % is not between 0 and 1', p USING ERRCODE = '22003';
  END IF;
  RETURN 1 + p * (n - 1);
END
$fn$;`

function contSql([type, result, interpolate]: readonly [string, string, string]): string {
  const name = type.replace(' ', '_')
  return `
-- ${type}: the sorted values of a partition (NULLs last, n of them not NULL) -> the percentile.
CREATE OR REPLACE FUNCTION rk_internal.percentile_cont(p double precision, a ${type}[], n bigint) RETURNS ${result}
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN n > 0 THEN (SELECT ${interpolate}
    FROM (SELECT pg_catalog.floor(k)::integer AS f, pg_catalog.ceil(k)::integer AS c, k - pg_catalog.floor(k) AS r
          FROM rk_internal.percentile_rank(p, n) AS k) AS s) END
$fn$;
CREATE OR REPLACE FUNCTION rk_internal.percentile_cont_${name}(a ${type}[], p double precision) RETURNS ${result}
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT rk_internal.percentile_cont(p, pg_catalog.array_agg(v.v ORDER BY v.v), pg_catalog.count(v.v))
  FROM pg_catalog.unnest(a) AS v(v) WHERE v.v IS NOT NULL
$fn$;
${
  type === 'double precision'
    ? ''
    : `CREATE OR REPLACE AGGREGATE pg_catalog.percentile_cont(double precision ORDER BY ${type}) (
  SFUNC = pg_catalog.array_append, STYPE = ${type}[], FINALFUNC = rk_internal.percentile_cont_${name});`
}`
}

/** MEDIAN over dates and timestamps (the numeric ones are in more-functions-sql.ts). */
const MEDIAN_SQL = ['date', 'timestamp', 'timestamptz']
  .map(
    (type) => `
CREATE OR REPLACE FUNCTION rk_internal.median_${type}(${type}[]) RETURNS ${type}
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN rk_internal.percentile_cont_${type}($1, 0.5);
CREATE OR REPLACE AGGREGATE pg_catalog.median(${type}) (
  SFUNC = pg_catalog.array_append, STYPE = ${type}[], FINALFUNC = rk_internal.median_${type});`,
  )
  .join('\n')

const DISC_SQL = `
-- PERCENTILE_DISC: the first value whose cumulative share reaches p.
CREATE OR REPLACE FUNCTION rk_internal.percentile_disc(p double precision, a anyarray, n bigint) RETURNS anyelement
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN n > 0 AND rk_internal.percentile_rank(p, n) IS NOT NULL THEN a[GREATEST(1, pg_catalog.ceil(p * n)::integer)] END
$fn$;`

export const PERCENTILE_FUNCTIONS_SQL = [CHECK_P, ...CONT_TYPES.map(contSql), MEDIAN_SQL, DISC_SQL].join('\n')
