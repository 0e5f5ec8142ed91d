/**
 * Redshift's HyperLogLog functions (AWS "HyperLogLog functions"): HLL_CREATE_SKETCH and HLL_COMBINE
 * (aggregates), HLL_CARDINALITY, HLL_COMBINE_SKETCHES, HLL (aggregate), and APPROXIMATE COUNT(DISTINCT),
 * which the dialect rewrites to HLL so that both give the same estimate.
 *
 * The sketch follows HLL++ with logm 15 (32,768 registers), as Redshift's does. A value's 64-bit hash
 * (hashtextextended of its text form) gives a 26-bit sparse index (its top bits) and the rank of the
 * first 1 in the remaining 38 bits. A sketch prints as Redshift prints it: sparse as JSON
 * (`{"version":1,"logm":15,"sparse":{"indices":[...],"values":[...]}}`), dense (past 4,096 sparse
 * entries) as Base64 of a 4-byte header and the registers packed 6 bits each (24,580 bytes, Redshift's
 * documented size). The hash, hence the indices, and the dense byte layout are redshift-kit's own:
 * sketches made by Redshift are read only in their sparse JSON form.
 *
 * Estimates: sparse, linear counting over 2^26 cells (exact in practice); dense, linear counting while
 * it is the better estimator (below 5 x 32,768) and the HyperLogLog estimate above: about 1 % error.
 * The aggregates keep their input values until the end (as MEDIAN does), so memory grows with the rows.
 */

const SPARSE_LIMIT = 4096

/** The rank of a 64-bit hash: where the first 1 is in its low 38 bits (39 when they are all 0). */
const RANK = (h: string) =>
  `CASE WHEN (${h} & 274877906943) = 0 THEN 39 ELSE pg_catalog.strpos(((${h} & 274877906943)::bit(38))::text, '1') END`

/** The rank a sparse entry gives its dense register (`idx >> 11`): from the index's low 11 bits, or past them. */
const DENSE_RANK = (idx: string, rho: string) =>
  `CASE WHEN (${idx} & 2047) = 0 THEN 11 + ${rho} ELSE pg_catalog.strpos(((${idx} & 2047)::bit(11))::text, '1') END`

const ENTRIES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.hll_invalid(detail text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  RAISE EXCEPTION 'invalid HLLSKETCH: %', detail USING ERRCODE = '22023',
    HINT = 'A sketch is Redshift''s sparse JSON form or a dense sketch made by redshift-local.';
END
$fn$;

-- A sketch's entries: sparse (index, rank) pairs, or the dense registers that are not 0.
CREATE OR REPLACE FUNCTION rk_internal.hll_entries(s text) RETURNS TABLE(dense boolean, idx integer, rho integer)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  j jsonb;
  b bytea;
BEGIN
  IF pg_catalog.ltrim(s) LIKE '{%' THEN
    BEGIN
      j := s::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
      PERFORM rk_internal.hll_invalid('it is not JSON');
    END;
    IF (j->>'logm') IS DISTINCT FROM '15' OR pg_catalog.jsonb_typeof(j->'sparse'->'indices') IS DISTINCT FROM 'array'
       OR pg_catalog.jsonb_array_length(j->'sparse'->'indices') <> pg_catalog.jsonb_array_length(j->'sparse'->'values') THEN
      PERFORM rk_internal.hll_invalid('expected {"version":1,"logm":15,"sparse":{"indices":[...],"values":[...]}}');
    END IF;
    RETURN QUERY SELECT false, i.v::integer, v.v::integer
      FROM pg_catalog.jsonb_array_elements_text(j->'sparse'->'indices') WITH ORDINALITY AS i(v, n)
      JOIN pg_catalog.jsonb_array_elements_text(j->'sparse'->'values') WITH ORDINALITY AS v(v, n) ON v.n = i.n;
    RETURN;
  END IF;
  BEGIN
    b := pg_catalog.decode(s, 'base64');
  EXCEPTION WHEN invalid_parameter_value THEN
    PERFORM rk_internal.hll_invalid('it is neither sparse JSON nor Base64');
  END;
  IF pg_catalog.length(b) <> 24580 OR pg_catalog.get_byte(b, 1) <> 15 THEN
    PERFORM rk_internal.hll_invalid('a dense sketch has 24,580 bytes and logm 15');
  END IF;
  RETURN QUERY SELECT true, r.reg, r.v FROM (
    SELECT g * 4 + k AS reg,
      (((pg_catalog.get_byte(b, 4 + g * 3) << 16) | (pg_catalog.get_byte(b, 5 + g * 3) << 8) | pg_catalog.get_byte(b, 6 + g * 3))
        >> (6 * (3 - k))) & 63 AS v
    FROM pg_catalog.generate_series(0, 8191) AS g, pg_catalog.generate_series(0, 3) AS k) AS r
  WHERE r.v > 0;
END
$fn$;
`

const BUILD_SQL = `
-- Registers (not 0) -> the dense form.
CREATE OR REPLACE FUNCTION rk_internal.hll_dense(regs integer[], ranks integer[]) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT pg_catalog.translate(pg_catalog.encode(pg_catalog.decode('010F0000' || pg_catalog.string_agg(
      pg_catalog.lpad(pg_catalog.to_hex(w.v), 6, '0'), '' ORDER BY w.g), 'hex'), 'base64'), pg_catalog.chr(10), '')::pg_catalog.hllsketch
  FROM (SELECT g.g, COALESCE(pg_catalog.sum(r.v << (6 * (3 - r.reg % 4))), 0)::integer AS v
        FROM pg_catalog.generate_series(0, 8191) AS g(g)
        LEFT JOIN (SELECT u.reg, pg_catalog.max(u.v) AS v FROM unnest(regs, ranks) AS u(reg, v) GROUP BY u.reg) AS r
          ON r.reg / 4 = g.g
        GROUP BY g.g) AS w
$fn$;

-- Entries (sparse unless dense says otherwise) -> a sketch, sparse while it has at most ${SPARSE_LIMIT} entries.
CREATE OR REPLACE FUNCTION rk_internal.hll_build(dense boolean, idx integer[], rho integer[]) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE
    WHEN NOT dense AND pg_catalog.cardinality(idx) <= ${SPARSE_LIMIT} THEN
      ('{"version":1,"logm":15,"sparse":{"indices":[' || pg_catalog.array_to_string(idx, ',')
        || '],"values":[' || pg_catalog.array_to_string(rho, ',') || ']}}')::pg_catalog.hllsketch
    WHEN dense THEN rk_internal.hll_dense(idx, rho)
    ELSE (SELECT rk_internal.hll_dense(pg_catalog.array_agg(u.i >> 11), pg_catalog.array_agg(${DENSE_RANK('u.i', 'u.r')}))
          FROM unnest(idx, rho) AS u(i, r))
  END
$fn$;

-- Any mix of sketches -> their union (dense as soon as one is).
CREATE OR REPLACE FUNCTION rk_internal.hll_merge(sketches text[]) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  WITH e AS MATERIALIZED (SELECT x.* FROM pg_catalog.unnest(sketches) AS s(s), rk_internal.hll_entries(s.s) AS x),
  d AS (SELECT COALESCE(pg_catalog.bool_or(e.dense), false) AS dense FROM e),
  u AS (SELECT CASE WHEN d.dense AND NOT e.dense THEN e.idx >> 11 ELSE e.idx END AS i,
               CASE WHEN d.dense AND NOT e.dense THEN ${DENSE_RANK('e.idx', 'e.rho')} ELSE e.rho END AS r
        FROM e, d)
  SELECT CASE WHEN pg_catalog.array_position(sketches, NULL) IS NOT NULL AND pg_catalog.array_remove(sketches, NULL) = '{}' THEN NULL
    ELSE rk_internal.hll_build((SELECT d.dense FROM d),
      COALESCE((SELECT pg_catalog.array_agg(m.i ORDER BY m.i) FROM (SELECT u.i, pg_catalog.max(u.r) AS r FROM u GROUP BY u.i) AS m), '{}'),
      COALESCE((SELECT pg_catalog.array_agg(m.r ORDER BY m.i) FROM (SELECT u.i, pg_catalog.max(u.r) AS r FROM u GROUP BY u.i) AS m), '{}'))
  END
$fn$;

-- The values an aggregate collected -> their sketch (NULLs ignored).
CREATE OR REPLACE FUNCTION rk_internal.hll_final(anycompatiblearray) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT rk_internal.hll_build(false,
    COALESCE(pg_catalog.array_agg(m.idx ORDER BY m.idx), '{}'), COALESCE(pg_catalog.array_agg(m.rho ORDER BY m.idx), '{}'))
  FROM (SELECT ((h.h >> 38) & 67108863)::integer AS idx, pg_catalog.max(${RANK('h.h')}) AS rho
        FROM (SELECT pg_catalog.hashtextextended(v.v::text, 0) AS h FROM pg_catalog.unnest($1) AS v(v) WHERE v.v IS NOT NULL) AS h
        GROUP BY 1) AS m
$fn$;
`

const ESTIMATE_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.hll_estimate(s text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT pg_catalog.round(CASE
    WHEN NOT a.dense THEN 67108864 * pg_catalog.ln(67108864 / (67108864 - a.n))
    WHEN a.n < 32768 AND 32768 * pg_catalog.ln(32768 / (32768 - LEAST(a.n, 32767))) <= 5 * 32768 THEN
      32768 * pg_catalog.ln(32768 / (32768 - a.n))
    ELSE (0.7213 / (1 + 1.079 / 32768)) * 32768 * 32768 / ((32768 - a.n) + a.inverse)
  END)::bigint
  FROM (SELECT COALESCE(pg_catalog.bool_or(e.dense), false) AS dense, pg_catalog.count(*)::double precision AS n,
          COALESCE(pg_catalog.sum(pg_catalog.power(2::double precision, -e.rho)), 0) AS inverse
        FROM rk_internal.hll_entries(s) AS e) AS a
$fn$;
`

const PUBLIC_SQL = `
CREATE OR REPLACE AGGREGATE pg_catalog.hll_create_sketch(anycompatible) (
  SFUNC = pg_catalog.array_append, STYPE = anycompatiblearray, FINALFUNC = rk_internal.hll_final);
CREATE OR REPLACE FUNCTION rk_internal.hll_count(anycompatiblearray) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ SELECT rk_internal.hll_estimate(rk_internal.hll_final($1)) $fn$;
CREATE OR REPLACE AGGREGATE pg_catalog.hll(anycompatible) (
  SFUNC = pg_catalog.array_append, STYPE = anycompatiblearray, FINALFUNC = rk_internal.hll_count);

CREATE OR REPLACE FUNCTION pg_catalog.hll_cardinality(pg_catalog.hllsketch) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.hll_estimate($1);
CREATE OR REPLACE FUNCTION pg_catalog.hll_combine_sketches(pg_catalog.hllsketch, pg_catalog.hllsketch) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN rk_internal.hll_merge(ARRAY[$1::text, $2::text]);
CREATE OR REPLACE FUNCTION rk_internal.hll_combine_final(pg_catalog.hllsketch[]) RETURNS pg_catalog.hllsketch
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN rk_internal.hll_merge(COALESCE($1::text[], '{}'));
CREATE OR REPLACE AGGREGATE pg_catalog.hll_combine(pg_catalog.hllsketch) (
  SFUNC = pg_catalog.array_append, STYPE = pg_catalog.hllsketch[], FINALFUNC = rk_internal.hll_combine_final);
`

export const HLL_FUNCTIONS_SQL = [ENTRIES_SQL, BUILD_SQL, ESTIMATE_SQL, PUBLIC_SQL].join('\n')
