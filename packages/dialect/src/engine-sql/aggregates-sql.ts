/**
 * Redshift's AVG (see the dialect's `aggregates.ts`): BIGINT from integers, the mean cut toward zero;
 * DECIMAL of the argument's scale from DECIMAL. Integers reuse PostgreSQL's own transition functions
 * ({count, sum} in BIGINT[]); BIGINT and DECIMAL sum in NUMERIC so nothing overflows.
 */
export const AGGREGATES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.avg_int_final(bigint[]) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN $1[1] = 0 THEN NULL ELSE pg_catalog.trunc($1[2]::numeric / $1[1])::bigint END;
CREATE OR REPLACE AGGREGATE rk_internal.avg(smallint) (
  SFUNC = pg_catalog.int2_avg_accum, STYPE = bigint[], INITCOND = '{0,0}',
  FINALFUNC = rk_internal.avg_int_final, COMBINEFUNC = pg_catalog.int4_avg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE rk_internal.avg(integer) (
  SFUNC = pg_catalog.int4_avg_accum, STYPE = bigint[], INITCOND = '{0,0}',
  FINALFUNC = rk_internal.avg_int_final, COMBINEFUNC = pg_catalog.int4_avg_combine, PARALLEL = SAFE);

-- {count, sum, largest scale}
CREATE OR REPLACE FUNCTION rk_internal.avg_numeric_accum(numeric[], numeric) RETURNS numeric[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ARRAY[$1[1] + 1, $1[2] + $2, GREATEST($1[3], pg_catalog.scale($2))];
CREATE OR REPLACE FUNCTION rk_internal.avg_numeric_combine(numeric[], numeric[]) RETURNS numeric[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ARRAY[$1[1] + $2[1], $1[2] + $2[2], GREATEST($1[3], $2[3])];
CREATE OR REPLACE FUNCTION rk_internal.avg_bigint_accum(numeric[], bigint) RETURNS numeric[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ARRAY[$1[1] + 1, $1[2] + $2, 0];
CREATE OR REPLACE FUNCTION rk_internal.avg_numeric_final(numeric[]) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN $1[1] = 0 THEN NULL ELSE pg_catalog.trunc($1[2] / $1[1], $1[3]::integer) END;
CREATE OR REPLACE FUNCTION rk_internal.avg_bigint_final(numeric[]) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.avg_numeric_final($1)::bigint;
CREATE OR REPLACE AGGREGATE rk_internal.avg(bigint) (
  SFUNC = rk_internal.avg_bigint_accum, STYPE = numeric[], INITCOND = '{0,0,0}',
  FINALFUNC = rk_internal.avg_bigint_final, COMBINEFUNC = rk_internal.avg_numeric_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE rk_internal.avg(numeric) (
  SFUNC = rk_internal.avg_numeric_accum, STYPE = numeric[], INITCOND = '{0,0,0}',
  FINALFUNC = rk_internal.avg_numeric_final, COMBINEFUNC = rk_internal.avg_numeric_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE rk_internal.avg(double precision) (
  SFUNC = pg_catalog.float8_accum, STYPE = double precision[], INITCOND = '{0,0,0}',
  FINALFUNC = pg_catalog.float8_avg, COMBINEFUNC = pg_catalog.float8_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE rk_internal.avg(real) (
  SFUNC = pg_catalog.float4_accum, STYPE = double precision[], INITCOND = '{0,0,0}',
  FINALFUNC = pg_catalog.float8_avg, COMBINEFUNC = pg_catalog.float8_combine, PARALLEL = SAFE);
`
