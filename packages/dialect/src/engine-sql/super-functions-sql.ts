/**
 * Redshift's SUPER functions over the engine's SUPER (a jsonb clone, see `types-sql.ts`): the array
 * functions, OBJECT, OBJECT_TRANSFORM and the attribute-name functions, and the SUPER type
 * information functions.
 *
 * `ARRAY(...)`, `OBJECT(...)` and the value arguments of the array searches take values of any type;
 * the dialect passes values through `rk_internal.to_super` (one polymorphic function: an overload per
 * type would make untyped literals ambiguous). Like Redshift, the functions are lax: an argument of the
 * wrong dynamic type gives NULL rather than an error.
 */

/** `IS_<type>(super)`: the type test as an expression over the jsonb `$1::jsonb`. */
const TYPE_TESTS: ReadonlyArray<readonly [string, string]> = [
  ['is_array', `pg_catalog.jsonb_typeof($1::jsonb) = 'array'`],
  ['is_object', `pg_catalog.jsonb_typeof($1::jsonb) = 'object'`],
  ['is_scalar', `pg_catalog.jsonb_typeof($1::jsonb) NOT IN ('array', 'object')`],
  ['is_boolean', `pg_catalog.jsonb_typeof($1::jsonb) = 'boolean'`],
  ['is_varchar', `pg_catalog.jsonb_typeof($1::jsonb) = 'string'`],
  // CHAR holds ASCII only: a string of ASCII characters is also a CHAR.
  ['is_char', `pg_catalog.jsonb_typeof($1::jsonb) = 'string' AND ($1::jsonb #>> '{}') !~ '[^\\x01-\\x7f]'`],
  // The engine's SUPER keeps every number as DECIMAL: none is a float.
  ['is_decimal', `pg_catalog.jsonb_typeof($1::jsonb) = 'number'`],
  ['is_float', 'false'],
  ['is_smallint', integerTest(-32768n, 32767n)],
  ['is_integer', integerTest(-2147483648n, 2147483647n)],
  ['is_bigint', integerTest(-9223372036854775808n, 9223372036854775807n)],
]

function integerTest(min: bigint, max: bigint): string {
  const n = `($1::jsonb #>> '{}')::numeric`
  return `pg_catalog.jsonb_typeof($1::jsonb) = 'number' AND ${n} = pg_catalog.trunc(${n}) AND ${n} BETWEEN ${min} AND ${max}`
}

const typeTests = TYPE_TESTS.map(
  ([name, test]) => `CREATE OR REPLACE FUNCTION pg_catalog.${name}(pg_catalog.super) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN coalesce(${test}, false);`,
).join('\n')

export const SUPER_FUNCTIONS_SQL = `
-- A value as SUPER's jsonb: SUPER as it is (to_jsonb would take its text as a string), the rest by to_jsonb.
-- PL/pgSQL: an inlined SQL CASE would fold both branches for a literal (and parse 'a' as JSON).
CREATE OR REPLACE FUNCTION rk_internal.to_super(anyelement) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  IF pg_catalog.pg_typeof($1) = 'pg_catalog.super'::pg_catalog.regtype THEN RETURN $1::text::jsonb; END IF;
  RETURN pg_catalog.to_jsonb($1);
END
$fn$;
-- An untyped literal cannot resolve anyelement: it takes this overload.
CREATE OR REPLACE FUNCTION rk_internal.to_super(text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.to_jsonb($1);

CREATE OR REPLACE FUNCTION rk_internal.super_array(VARIADIC jsonb[]) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT coalesce(pg_catalog.jsonb_agg(coalesce(e, 'null'::jsonb) ORDER BY i), '[]'::jsonb)
    FROM pg_catalog.unnest($1) WITH ORDINALITY AS u(e, i))::pg_catalog.super;
CREATE OR REPLACE FUNCTION rk_internal.super_array() RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN '[]'::jsonb::pg_catalog.super;

CREATE OR REPLACE FUNCTION rk_internal.super_object(VARIADIC jsonb[]) RETURNS pg_catalog.super
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE o jsonb := '{}'; i integer := 1; n integer := pg_catalog.array_length($1, 1);
BEGIN
  IF n % 2 <> 0 THEN
    RAISE EXCEPTION 'OBJECT takes key/value pairs: % arguments given', n USING ERRCODE = '22023';
  END IF;
  WHILE i < n LOOP
    IF $1[i] IS NULL OR pg_catalog.jsonb_typeof($1[i]) <> 'string' THEN
      RAISE EXCEPTION 'OBJECT keys must be strings' USING ERRCODE = '22023';
    END IF;
    o := o || pg_catalog.jsonb_build_object($1[i] #>> '{}', coalesce($1[i + 1], 'null'::jsonb));
    i := i + 2;
  END LOOP;
  RETURN o::pg_catalog.super;
END
$fn$;
CREATE OR REPLACE FUNCTION rk_internal.super_object() RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN '{}'::jsonb::pg_catalog.super;

-- The elements of an array with their 0-based index (no row for a value that is not an array).
CREATE OR REPLACE FUNCTION rk_internal.super_elements(pg_catalog.super) RETURNS TABLE (e jsonb, i bigint)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT e, i - 1 FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'array'
    THEN $1::jsonb ELSE '[]'::jsonb END) WITH ORDINALITY AS u(e, i)
$fn$;
CREATE OR REPLACE FUNCTION rk_internal.super_is_array(pg_catalog.super) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.jsonb_typeof($1::jsonb) = 'array';
CREATE OR REPLACE FUNCTION rk_internal.super_agg(jsonb[]) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN pg_catalog.array_to_json(coalesce($1, '{}'::jsonb[]))::jsonb::pg_catalog.super;

CREATE OR REPLACE FUNCTION pg_catalog.get_array_length(pg_catalog.super) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN rk_internal.super_is_array($1) THEN pg_catalog.jsonb_array_length($1::jsonb) END;

CREATE OR REPLACE FUNCTION pg_catalog.array_concat(pg_catalog.super, pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN rk_internal.super_is_array($1) AND rk_internal.super_is_array($2)
    THEN ($1::jsonb || $2::jsonb)::pg_catalog.super END;

-- One level: elements that are arrays give their elements, others stay; NULL unless every argument is an array.
CREATE OR REPLACE FUNCTION pg_catalog.array_flatten(VARIADIC pg_catalog.super[]) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN (SELECT bool_and(rk_internal.super_is_array(a)) FROM pg_catalog.unnest($1) AS u(a)) THEN
    rk_internal.super_agg((SELECT pg_catalog.array_agg(f.v ORDER BY a.k, x.i, f.j)
      FROM pg_catalog.unnest($1) WITH ORDINALITY AS a(s, k)
      CROSS JOIN LATERAL rk_internal.super_elements(a.s) AS x(e, i)
      CROSS JOIN LATERAL (SELECT y.e, y.i FROM rk_internal.super_elements(x.e::pg_catalog.super) AS y(e, i)
          WHERE pg_catalog.jsonb_typeof(x.e) = 'array'
        UNION ALL SELECT x.e, 0 WHERE pg_catalog.jsonb_typeof(x.e) <> 'array') AS f(v, j))) END
$fn$;

CREATE OR REPLACE FUNCTION pg_catalog.split_to_array(text, text) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.to_jsonb(pg_catalog.string_to_array($1, $2))::pg_catalog.super;
CREATE OR REPLACE FUNCTION pg_catalog.split_to_array(text) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.split_to_array($1, ',');

-- 0-based start; the slice stops at the end of the array.
CREATE OR REPLACE FUNCTION pg_catalog.subarray(pg_catalog.super, integer, integer) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) THEN
    rk_internal.super_agg((SELECT pg_catalog.array_agg(e ORDER BY i) FROM rk_internal.super_elements($1)
      WHERE i >= $2 AND i < $2::bigint + $3)) END
$fn$;

-- Searches: null_match (default true) makes NULL an element like any other; false gives NULL as SQL does.
CREATE OR REPLACE FUNCTION pg_catalog.array_contains(pg_catalog.super, anyelement, boolean DEFAULT true) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN NOT rk_internal.super_is_array($1) THEN NULL
    WHEN v IS NULL OR v = 'null' THEN CASE WHEN $3 THEN EXISTS (SELECT FROM rk_internal.super_elements($1) WHERE e = 'null') END
    WHEN EXISTS (SELECT FROM rk_internal.super_elements($1) WHERE e = v) THEN true
    WHEN NOT $3 AND EXISTS (SELECT FROM rk_internal.super_elements($1) WHERE e = 'null') THEN NULL
    ELSE false END
  FROM (SELECT rk_internal.to_super($2) AS v) AS s
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.array_position(pg_catalog.super, anyelement, boolean DEFAULT true) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) AND (v IS NOT NULL AND v <> 'null' OR $3) THEN
    coalesce((SELECT min(i)::integer FROM rk_internal.super_elements($1) WHERE e = coalesce(v, 'null')), -1) END
  FROM (SELECT rk_internal.to_super($2) AS v) AS s
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.array_positions(pg_catalog.super, anyelement, boolean DEFAULT true) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) AND (v IS NOT NULL AND v <> 'null' OR $3) THEN
    rk_internal.super_agg((SELECT pg_catalog.array_agg(pg_catalog.to_jsonb(i) ORDER BY i) FROM rk_internal.super_elements($1)
      WHERE e = coalesce(v, 'null'))) END
  FROM (SELECT rk_internal.to_super($2) AS v) AS s
$fn$;

-- Untyped literals (strings) take these overloads.
CREATE OR REPLACE FUNCTION pg_catalog.array_contains(pg_catalog.super, text, boolean DEFAULT true) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.array_contains($1, $2::varchar, $3);
CREATE OR REPLACE FUNCTION pg_catalog.array_position(pg_catalog.super, text, boolean DEFAULT true) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.array_position($1, $2::varchar, $3);
CREATE OR REPLACE FUNCTION pg_catalog.array_positions(pg_catalog.super, text, boolean DEFAULT true) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.array_positions($1, $2::varchar, $3);

-- Set operations keep the first occurrence's order (Redshift does not promise an order).
CREATE OR REPLACE FUNCTION pg_catalog.array_distinct(pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) THEN rk_internal.super_agg((SELECT pg_catalog.array_agg(e ORDER BY f)
    FROM (SELECT e, min(i) AS f FROM rk_internal.super_elements($1) GROUP BY e) AS d)) END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.array_union(pg_catalog.super, pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.array_distinct(pg_catalog.array_concat($1, $2));
CREATE OR REPLACE FUNCTION pg_catalog.array_intersection(pg_catalog.super, pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) AND rk_internal.super_is_array($2) THEN
    rk_internal.super_agg((SELECT pg_catalog.array_agg(e ORDER BY f) FROM (SELECT e, min(i) AS f FROM rk_internal.super_elements($1)
      WHERE e IN (SELECT e FROM rk_internal.super_elements($2)) GROUP BY e) AS d)) END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.array_except(pg_catalog.super, pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) AND rk_internal.super_is_array($2) THEN
    rk_internal.super_agg((SELECT pg_catalog.array_agg(e ORDER BY f) FROM (SELECT e, min(i) AS f FROM rk_internal.super_elements($1)
      WHERE e NOT IN (SELECT e FROM rk_internal.super_elements($2)) GROUP BY e) AS d)) END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.arrays_overlap(pg_catalog.super, pg_catalog.super) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) AND rk_internal.super_is_array($2) THEN
    EXISTS (SELECT FROM rk_internal.super_elements($1) AS a JOIN rk_internal.super_elements($2) AS b ON a.e = b.e) END
$fn$;
-- Elements of one type sort by value, mixed types by jsonb's order of types; NULLs last ascending,
-- first descending, unless nulls_first says otherwise.
CREATE OR REPLACE FUNCTION pg_catalog.array_sort(pg_catalog.super, boolean DEFAULT true, boolean DEFAULT NULL) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN rk_internal.super_is_array($1) THEN rk_internal.super_agg((SELECT pg_catalog.array_agg(e ORDER BY
    CASE WHEN e <> 'null' THEN 1 WHEN coalesce($3, NOT $2) THEN 0 ELSE 2 END,
    CASE WHEN $2 THEN e END ASC, CASE WHEN NOT $2 THEN e END DESC) FROM rk_internal.super_elements($1))) END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.rename_attributes(jsonb, boolean) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE o jsonb := '{}'; k text; v jsonb; nk text;
BEGIN
  CASE pg_catalog.jsonb_typeof($1)
  WHEN 'array' THEN
    RETURN (SELECT coalesce(pg_catalog.jsonb_agg(rk_internal.rename_attributes(e, $2) ORDER BY i), '[]')
      FROM pg_catalog.jsonb_array_elements($1) WITH ORDINALITY AS u(e, i));
  WHEN 'object' THEN
    FOR k, v IN SELECT * FROM pg_catalog.jsonb_each($1) LOOP
      nk := CASE WHEN $2 THEN pg_catalog.upper(k) ELSE pg_catalog.lower(k) END;
      IF o ? nk THEN
        RAISE EXCEPTION 'Duplicate attribute name "%" after case conversion', nk USING ERRCODE = '22023';
      END IF;
      o := o || pg_catalog.jsonb_build_object(nk, rk_internal.rename_attributes(v, $2));
    END LOOP;
    RETURN o;
  ELSE RETURN $1;
  END CASE;
END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.upper_attribute_names(pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.rename_attributes($1::jsonb, true)::pg_catalog.super;
CREATE OR REPLACE FUNCTION pg_catalog.lower_attribute_names(pg_catalog.super) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.rename_attributes($1::jsonb, false)::pg_catalog.super;

-- '"a"."b"' -> {a,b}: double-quoted components separated by periods.
CREATE OR REPLACE FUNCTION rk_internal.object_path(text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF $1 !~ '^"([^"]|"")*"(\\."([^"]|"")*")*$' THEN
    RAISE EXCEPTION 'invalid OBJECT_TRANSFORM path %: write double-quoted components separated by periods, as ''"a"."b"''', pg_catalog.quote_literal($1)
      USING ERRCODE = '22023';
  END IF;
  RETURN (SELECT pg_catalog.array_agg(pg_catalog.replace(m[1], '""', '"') ORDER BY n)
    FROM pg_catalog.regexp_matches($1, '"((?:[^"]|"")*)"', 'g') WITH ORDINALITY AS r(m, n));
END
$fn$;
-- OBJECT_TRANSFORM(input KEEP paths SET path, value, ...), as the dialect passes it.
CREATE OR REPLACE FUNCTION rk_internal.object_transform(pg_catalog.super, text[], text[], jsonb[]) RETURNS pg_catalog.super
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE o jsonb; p text; v jsonb; i integer;
BEGIN
  IF pg_catalog.jsonb_typeof($1::jsonb) IS DISTINCT FROM 'object' THEN RETURN $1; END IF;
  IF coalesce(pg_catalog.array_length($2, 1), 0) = 0 THEN o := $1::jsonb;
  ELSE
    o := '{}';
    FOREACH p IN ARRAY (SELECT pg_catalog.array_agg(pg_catalog.array_to_string(rk_internal.object_path(k), E'\\x01')) FROM pg_catalog.unnest($2) AS k) LOOP
      v := $1::jsonb #> pg_catalog.string_to_array(p, E'\\x01');
      IF v IS NOT NULL THEN o := rk_internal.object_set(o, pg_catalog.string_to_array(p, E'\\x01'), v); END IF;
    END LOOP;
  END IF;
  FOR i IN 1 .. coalesce(pg_catalog.array_length($3, 1), 0) LOOP
    o := rk_internal.object_set(o, rk_internal.object_path($3[i]), coalesce($4[i], 'null'));
  END LOOP;
  RETURN o::pg_catalog.super;
END
$fn$;
-- jsonb_set that creates the objects on the way.
CREATE OR REPLACE FUNCTION rk_internal.object_set(jsonb, text[], jsonb) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE inner_value jsonb;
BEGIN
  IF pg_catalog.cardinality($2) = 1 THEN RETURN $1 || pg_catalog.jsonb_build_object($2[1], $3); END IF;
  inner_value := $1 -> $2[1];
  IF pg_catalog.jsonb_typeof(inner_value) IS DISTINCT FROM 'object' THEN inner_value := '{}'; END IF;
  RETURN $1 || pg_catalog.jsonb_build_object($2[1], rk_internal.object_set(inner_value, $2[2:], $3));
END
$fn$;

${typeTests}
CREATE OR REPLACE FUNCTION pg_catalog.json_typeof(pg_catalog.super) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.jsonb_typeof($1::jsonb);
CREATE OR REPLACE FUNCTION pg_catalog.json_size(pg_catalog.super) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.octet_length(pg_catalog.json_serialize($1));
-- Redshift's SIZE is its in-memory size, which the engine does not have: its binary (jsonb) size instead.
CREATE OR REPLACE FUNCTION pg_catalog.size(pg_catalog.super) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.pg_column_size($1::jsonb);
CREATE OR REPLACE FUNCTION pg_catalog.decimal_precision(pg_catalog.super) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'number' THEN
    GREATEST(pg_catalog.length(pg_catalog.regexp_replace(pg_catalog.ltrim(pg_catalog.trim_scale(pg_catalog.abs(($1::jsonb #>> '{}')::numeric))::text, '0.'), '[^0-9]', '', 'g')), 1) END;
CREATE OR REPLACE FUNCTION pg_catalog.decimal_scale(pg_catalog.super) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'number' THEN pg_catalog.scale(($1::jsonb #>> '{}')::numeric) END;
CREATE OR REPLACE FUNCTION pg_catalog.json_serialize_to_varbyte(pg_catalog.super) RETURNS pg_catalog.varbyte
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.convert_to(pg_catalog.json_serialize($1), 'UTF8')::pg_catalog.varbyte;
`
