/**
 * Reading the spatial model (see spatial-io-sql.ts): hex EWKB/WKB and WKT/EWKT into jsonb, with the
 * errors for bad input. Counts in WKB are checked against the bytes left, and WKT is bounded (1 MB).
 */

/** Little-endian hex of the 8 bytes of a float8 and of an unsigned 32-bit integer. */
const BYTES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_le(h text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.upper((SELECT pg_catalog.string_agg(pg_catalog.substr(h, i, 2), '' ORDER BY i DESC)
    FROM pg_catalog.generate_series(1, pg_catalog.length(h), 2) AS i));
CREATE OR REPLACE FUNCTION rk_internal.geom_f8(x double precision) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_le(pg_catalog.encode(pg_catalog.float8send(x), 'hex'));
CREATE OR REPLACE FUNCTION rk_internal.geom_u32(n bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_le(pg_catalog.lpad(pg_catalog.to_hex(n), 8, '0'));

CREATE OR REPLACE FUNCTION rk_internal.geom_read_u32(b bytea, pos integer, le boolean) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  v bigint := 0;
BEGIN
  FOR i IN 0 .. 3 LOOP
    v := v * 256 + pg_catalog.get_byte(b, pos + CASE WHEN le THEN 3 - i ELSE i END);
  END LOOP;
  RETURN v;
END
$fn$;

-- IEEE 754 decoding by arithmetic: SQL cannot call float8recv. Every step is exact in float8.
CREATE OR REPLACE FUNCTION rk_internal.geom_read_f8(b bytea, pos integer, le boolean) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h text := '';
  bits bigint;
  e integer;
  m bigint;
  v double precision;
BEGIN
  FOR i IN 0 .. 7 LOOP
    h := h || pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.get_byte(b, pos + CASE WHEN le THEN 7 - i ELSE i END)), 2, '0');
  END LOOP;
  bits := ('x' || h)::bit(64)::bigint;
  e := ((bits >> 52) & 2047)::integer;
  m := bits & 4503599627370495;
  IF e = 2047 THEN
    RETURN 'NaN'::double precision;
  ELSIF e = 0 THEN
    v := m::double precision * pg_catalog.power(2::double precision, -1074);
  ELSE
    v := (m + 4503599627370496)::double precision * pg_catalog.power(2::double precision, e - 1075);
  END IF;
  RETURN CASE WHEN bits < 0 THEN -v ELSE v END;
END
$fn$;
`

const TYPE_NAMES = `
CREATE OR REPLACE FUNCTION rk_internal.geom_type_code(t text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE t WHEN 'Point' THEN 1 WHEN 'LineString' THEN 2 WHEN 'Polygon' THEN 3 WHEN 'MultiPoint' THEN 4
    WHEN 'MultiLineString' THEN 5 WHEN 'MultiPolygon' THEN 6 WHEN 'GeometryCollection' THEN 7 END;
CREATE OR REPLACE FUNCTION rk_internal.geom_type_name(code integer) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (ARRAY['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon',
    'GeometryCollection'])[code];
`

/** The errors: SQLSTATE 22023, the function's name first, as Redshift names it. */
const ERRORS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_error(fn text, message text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  RAISE EXCEPTION '%: %', fn, message USING ERRCODE = '22023';
END
$fn$;
CREATE OR REPLACE FUNCTION rk_internal.geom_no_zm(fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  RAISE EXCEPTION '%: geometries with Z or M coordinates are not available in redshift-local', fn
    USING ERRCODE = '0A000', HINT = 'Use 2D geometries (x y) locally.';
END
$fn$;
`

/** WKB (hex or bytes) -> model. Counts are checked against the bytes left, so bad input fails fast. */
const WKB_READ_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_read_points(b bytea, INOUT pos integer, le boolean, n bigint, fn text,
  OUT c jsonb)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  parts jsonb[] := '{}';
BEGIN
  IF n * 16 > pg_catalog.length(b) - pos THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKB: point count past the end of the input');
  END IF;
  FOR i IN 0 .. n - 1 LOOP
    parts := parts || pg_catalog.jsonb_build_array(rk_internal.geom_read_f8(b, pos, le), rk_internal.geom_read_f8(b, pos + 8, le));
    pos := pos + 16;
  END LOOP;
  c := pg_catalog.to_jsonb(parts);
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_read(b bytea, INOUT pos integer, fn text, OUT g jsonb)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  le boolean;
  code bigint;
  base integer;
  n bigint;
  srid integer;
  x double precision;
  y double precision;
  items jsonb[] := '{}';
  sub record;
BEGIN
  IF pos + 5 > pg_catalog.length(b) THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKB: the input ends too early');
  END IF;
  le := pg_catalog.get_byte(b, pos) = 1;
  code := rk_internal.geom_read_u32(b, pos + 1, le);
  pos := pos + 5;
  IF code & 536870912 <> 0 THEN
    srid := rk_internal.geom_read_u32(b, pos, le)::integer;
    pos := pos + 4;
  END IF;
  base := (code & 536870911)::integer;
  IF code & 3221225472 <> 0 OR (base > 1000 AND base < 4000 AND base % 1000 BETWEEN 1 AND 7) THEN
    PERFORM rk_internal.geom_no_zm(fn);
  ELSIF base < 1 OR base > 7 THEN
    PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKB: unknown geometry type %s', base));
  END IF;
  IF base = 1 THEN
    IF pos + 16 > pg_catalog.length(b) THEN
      PERFORM rk_internal.geom_error(fn, 'invalid WKB: the input ends too early');
    END IF;
    x := rk_internal.geom_read_f8(b, pos, le);
    y := rk_internal.geom_read_f8(b, pos + 8, le);
    pos := pos + 16;
    g := pg_catalog.jsonb_build_object('t', 'Point', 'c',
      CASE WHEN x = 'NaN' AND y = 'NaN' THEN '[]'::jsonb ELSE pg_catalog.jsonb_build_array(x, y) END);
  ELSE
    IF pos + 4 > pg_catalog.length(b) THEN
      PERFORM rk_internal.geom_error(fn, 'invalid WKB: the input ends too early');
    END IF;
    n := rk_internal.geom_read_u32(b, pos, le);
    pos := pos + 4;
    IF n * 4 > pg_catalog.length(b) - pos THEN
      PERFORM rk_internal.geom_error(fn, 'invalid WKB: element count past the end of the input');
    END IF;
    IF base = 2 THEN
      SELECT r.pos, r.c INTO pos, g FROM rk_internal.geom_read_points(b, pos, le, n, fn) r;
      g := pg_catalog.jsonb_build_object('t', 'LineString', 'c', g);
    ELSIF base = 3 THEN
      FOR i IN 1 .. n LOOP
        IF pos + 4 > pg_catalog.length(b) THEN
          PERFORM rk_internal.geom_error(fn, 'invalid WKB: the input ends too early');
        END IF;
        SELECT r.pos, r.c INTO sub
          FROM rk_internal.geom_read_points(b, pos + 4, le, rk_internal.geom_read_u32(b, pos, le), fn) r;
        pos := sub.pos;
        items := items || sub.c;
      END LOOP;
      g := pg_catalog.jsonb_build_object('t', 'Polygon', 'c', pg_catalog.to_jsonb(items));
    ELSE
      FOR i IN 1 .. n LOOP
        SELECT r.pos, r.g INTO sub FROM rk_internal.geom_read(b, pos, fn) r;
        pos := sub.pos;
        IF base <> 7 AND sub.g->>'t' <> rk_internal.geom_type_name(base - 3) THEN
          PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKB: a %s inside a %s', sub.g->>'t',
            rk_internal.geom_type_name(base)));
        END IF;
        items := items || CASE WHEN base = 7 THEN sub.g ELSE sub.g->'c' END;
      END LOOP;
      g := pg_catalog.jsonb_build_object('t', rk_internal.geom_type_name(base),
        CASE WHEN base = 7 THEN 'g' ELSE 'c' END, pg_catalog.to_jsonb(items));
    END IF;
  END IF;
  IF srid IS NOT NULL THEN
    g := g || pg_catalog.jsonb_build_object('s', srid);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_from_wkb(b bytea, fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET extra_float_digits = 3 AS $fn$
DECLARE
  r record;
BEGIN
  SELECT * INTO r FROM rk_internal.geom_read(b, 0, fn);
  IF r.pos <> pg_catalog.length(b) THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKB: bytes left after the geometry');
  END IF;
  RETURN r.g || pg_catalog.jsonb_build_object('s', COALESCE((r.g->>'s')::integer, 0));
END
$fn$;
`

/**
 * WKT -> model. The body's coordinate pairs become JSON string pairs and its parentheses brackets; the
 * result must then parse as JSON with exactly the nesting the type needs, or the WKT is refused.
 */
const WKT_READ_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_pair(p jsonb, fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF pg_catalog.jsonb_typeof(p) <> 'array' OR pg_catalog.jsonb_array_length(p) <> 2
     OR pg_catalog.jsonb_typeof(p->0) <> 'string' OR pg_catalog.jsonb_typeof(p->1) <> 'string' THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKT: expected a coordinate "x y"');
  END IF;
  RETURN pg_catalog.jsonb_build_array((p->>0)::double precision, (p->>1)::double precision);
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_points(c jsonb, minimum integer, closed boolean, fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  out jsonb;
BEGIN
  IF pg_catalog.jsonb_typeof(c) <> 'array' THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKT: expected a list of coordinates');
  END IF;
  SELECT COALESCE(pg_catalog.jsonb_agg(rk_internal.geom_pair(e.p, fn) ORDER BY e.i), '[]')
    INTO out FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(p, i);
  IF pg_catalog.jsonb_array_length(out) < minimum THEN
    PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKT: at least %s points are needed', minimum));
  END IF;
  IF closed AND out->0 <> out->-1 THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKT: a polygon ring must end where it starts');
  END IF;
  RETURN out;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_list(c jsonb, fn text) RETURNS SETOF jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF pg_catalog.jsonb_typeof(c) <> 'array' THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKT: expected a parenthesized list');
  END IF;
  RETURN QUERY SELECT e.v FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(v, i) ORDER BY e.i;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_coords(t text, c jsonb, fn text) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE t
    WHEN 'Point' THEN CASE WHEN pg_catalog.jsonb_array_length(c) = 1 THEN rk_internal.geom_pair(c->0, fn)
      ELSE rk_internal.geom_error(fn, 'invalid WKT: a point has one coordinate') END
    WHEN 'LineString' THEN rk_internal.geom_points(c, 2, false, fn)
    WHEN 'Polygon' THEN (SELECT COALESCE(pg_catalog.jsonb_agg(rk_internal.geom_points(r, 4, true, fn)), '[]')
      FROM rk_internal.geom_list(c, fn) AS r)
    WHEN 'MultiPoint' THEN (SELECT COALESCE(pg_catalog.jsonb_agg(CASE
        WHEN p = '[]' THEN p
        WHEN pg_catalog.jsonb_typeof(p->0) = 'array' THEN rk_internal.geom_coords('Point', p, fn)
        ELSE rk_internal.geom_pair(p, fn) END), '[]')
      FROM rk_internal.geom_list(c, fn) AS p)
    WHEN 'MultiLineString' THEN (SELECT COALESCE(pg_catalog.jsonb_agg(rk_internal.geom_coords('LineString', l, fn)), '[]')
      FROM rk_internal.geom_list(c, fn) AS l)
    WHEN 'MultiPolygon' THEN (SELECT COALESCE(pg_catalog.jsonb_agg(rk_internal.geom_coords('Polygon', a, fn)), '[]')
      FROM rk_internal.geom_list(c, fn) AS a)
  END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_wkt_body(s text, fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  num constant text := '[-+]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:E[-+]?[0-9]+)?';
  m text[];
  t text;
  body text;
  j jsonb;
  depth integer := 0;
  start integer := 2;
  ch text;
  members jsonb[] := '{}';
BEGIN
  m := pg_catalog.regexp_match(s, '^([A-Z]+)[[:space:]]*(ZM|Z|M)?[[:space:]]*(EMPTY|[(].*[)])$');
  IF m IS NULL THEN
    PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKT "%s"', pg_catalog.left(s, 60)));
  END IF;
  t := CASE m[1] WHEN 'POINT' THEN 'Point' WHEN 'LINESTRING' THEN 'LineString' WHEN 'POLYGON' THEN 'Polygon'
    WHEN 'MULTIPOINT' THEN 'MultiPoint' WHEN 'MULTILINESTRING' THEN 'MultiLineString'
    WHEN 'MULTIPOLYGON' THEN 'MultiPolygon' WHEN 'GEOMETRYCOLLECTION' THEN 'GeometryCollection' END;
  IF t IS NULL THEN
    PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKT: unknown geometry type %s', m[1]));
  END IF;
  body := m[3];
  IF m[2] IS NOT NULL OR body ~ (num || '[[:space:]]+' || num || '[[:space:]]+' || num) THEN
    PERFORM rk_internal.geom_no_zm(fn);
  END IF;
  IF body = 'EMPTY' THEN
    RETURN pg_catalog.jsonb_build_object('t', t, CASE WHEN t = 'GeometryCollection' THEN 'g' ELSE 'c' END, '[]'::jsonb);
  END IF;
  IF t = 'GeometryCollection' THEN
    -- Members split at the commas of depth 1.
    FOR i IN 2 .. pg_catalog.length(body) LOOP
      ch := pg_catalog.substr(body, i, 1);
      IF ch = '(' THEN depth := depth + 1;
      ELSIF ch = ')' AND depth > 0 THEN depth := depth - 1;
      ELSIF depth = 0 AND (ch = ',' OR i = pg_catalog.length(body)) THEN
        members := members || rk_internal.geom_wkt_body(pg_catalog.btrim(pg_catalog.substr(body, start, i - start)), fn);
        start := i + 1;
      END IF;
    END LOOP;
    IF depth <> 0 THEN
      PERFORM rk_internal.geom_error(fn, 'invalid WKT: unbalanced parentheses');
    END IF;
    RETURN pg_catalog.jsonb_build_object('t', t, 'g', pg_catalog.to_jsonb(members));
  END IF;
  body := pg_catalog.regexp_replace(body, '(' || num || ')[[:space:]]+(' || num || ')', '["\\1","\\2"]', 'g');
  body := pg_catalog.translate(pg_catalog.replace(body, 'EMPTY', '[]'), '()', '[]');
  BEGIN
    j := body::jsonb;
  EXCEPTION WHEN invalid_text_representation THEN
    PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKT "%s"', pg_catalog.left(s, 60)));
  END;
  RETURN pg_catalog.jsonb_build_object('t', t, 'c', rk_internal.geom_coords(t, j, fn));
END
$fn$;

-- ewkt: whether an SRID=n; prefix is allowed (ST_GeomFromEWKT) or an error (ST_GeomFromText).
CREATE OR REPLACE FUNCTION rk_internal.geom_from_wkt(wkt text, srid integer, ewkt boolean, fn text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET extra_float_digits = 3 AS $fn$
DECLARE
  s text := pg_catalog.upper(pg_catalog.btrim(wkt));
  m text[];
BEGIN
  IF pg_catalog.length(s) > 1048576 THEN
    PERFORM rk_internal.geom_error(fn, 'the WKT is longer than 1 MB');
  END IF;
  m := pg_catalog.regexp_match(s, '^SRID=([0-9]+);(.*)$');
  IF m IS NOT NULL THEN
    IF NOT ewkt THEN
      PERFORM rk_internal.geom_error(fn, 'invalid WKT: an SRID=n; prefix is EWKT (use ST_GeomFromEWKT)');
    END IF;
    srid := COALESCE(srid, m[1]::integer);
    s := pg_catalog.btrim(m[2]);
  END IF;
  RETURN rk_internal.geom_wkt_body(s, fn) || pg_catalog.jsonb_build_object('s', COALESCE(srid, 0));
EXCEPTION WHEN numeric_value_out_of_range OR invalid_text_representation THEN
  PERFORM rk_internal.geom_error(fn, pg_catalog.format('invalid WKT "%s": %s', pg_catalog.left(wkt, 60), SQLERRM));
  RETURN NULL;
END
$fn$;

-- A stored value: hex EWKB (what the functions write) or WKT/EWKT (text put into a column as written).
CREATE OR REPLACE FUNCTION rk_internal.geom(v text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN v ~ '^([0-9A-Fa-f]{2})+$' THEN rk_internal.geom_from_wkb(pg_catalog.decode(v, 'hex'), 'GEOMETRY')
    ELSE rk_internal.geom_from_wkt(v, NULL, true, 'GEOMETRY') END;
`

export const SPATIAL_READ_SQL = [BYTES_SQL, TYPE_NAMES, ERRORS_SQL, WKB_READ_SQL, WKT_READ_SQL].join('\n')
