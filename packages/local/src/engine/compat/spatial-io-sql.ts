/**
 * Redshift's spatial constructors and output functions over a real geometry model, in PL/pgSQL (the
 * engine has no PostGIS and runs no C extensions).
 *
 * A GEOMETRY (or GEOGRAPHY) value is stored as Redshift prints it: upper-case hex of little-endian
 * EWKB (`0101000020E6100000...` for a point with SRID 4326). Functions parse it into a jsonb model
 * `{"t": "Point", "s": srid, "c": coordinates}` (GeoJSON-shaped coordinates; a collection has `"g"`:
 * its members) and write it back. A value put into a GEOMETRY column as WKT text rather than through
 * a function is kept as written (the type's input cannot be a PL/pgSQL function) and every function
 * still reads it. Only 2D coordinates: Z and M geometries are refused with an error that says so.
 */
import { SPATIAL_READ_SQL } from './spatial-read-sql.js'

/** Model -> hex EWKB (the stored and printed form), WKT, GeoJSON. */
const WRITE_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_hex_points(c jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_u32(pg_catalog.jsonb_array_length(c)) || COALESCE((
    SELECT pg_catalog.string_agg(rk_internal.geom_f8((e.p->>0)::double precision) || rk_internal.geom_f8((e.p->>1)::double precision), '' ORDER BY e.i)
    FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(p, i)), '');

CREATE OR REPLACE FUNCTION rk_internal.geom_wkb(g jsonb, with_srid boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  t text := g->>'t';
  code bigint := rk_internal.geom_type_code(t);
  srid integer := COALESCE((g->>'s')::integer, 0);
  head text;
  c jsonb := g->'c';
BEGIN
  head := '01' || rk_internal.geom_u32(code + CASE WHEN with_srid AND srid <> 0 THEN 536870912 ELSE 0 END)
    || CASE WHEN with_srid AND srid <> 0 THEN rk_internal.geom_u32(srid) ELSE '' END;
  RETURN head || CASE t
    WHEN 'Point' THEN CASE WHEN c = '[]' THEN '000000000000F87F000000000000F87F'
      ELSE rk_internal.geom_f8((c->>0)::double precision) || rk_internal.geom_f8((c->>1)::double precision) END
    WHEN 'LineString' THEN rk_internal.geom_hex_points(c)
    WHEN 'Polygon' THEN rk_internal.geom_u32(pg_catalog.jsonb_array_length(c)) || COALESCE((
      SELECT pg_catalog.string_agg(rk_internal.geom_hex_points(e.r), '' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(r, i)), '')
    WHEN 'GeometryCollection' THEN rk_internal.geom_u32(pg_catalog.jsonb_array_length(g->'g')) || COALESCE((
      SELECT pg_catalog.string_agg(rk_internal.geom_wkb(e.m, false), '' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(g->'g') WITH ORDINALITY AS e(m, i)), '')
    ELSE rk_internal.geom_u32(pg_catalog.jsonb_array_length(c)) || COALESCE((
      SELECT pg_catalog.string_agg(rk_internal.geom_wkb(pg_catalog.jsonb_build_object(
        't', pg_catalog.substr(t, 6), 'c', e.m), false), '' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(m, i)), '')
  END;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_out(g jsonb) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_wkb(g, true)::pg_catalog.geometry;
CREATE OR REPLACE FUNCTION rk_internal.geog_out(g jsonb) RETURNS pg_catalog.geography
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_wkb(g, true)::pg_catalog.geography;

-- Coordinates print as C's %.<precision>g (extra_float_digits is set by the caller).
CREATE OR REPLACE FUNCTION rk_internal.geom_xy(p jsonb, sep text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (p->>0)::double precision::text || sep || (p->>1)::double precision::text;

CREATE OR REPLACE FUNCTION rk_internal.geom_wkt_points(c jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN '(' || (SELECT pg_catalog.string_agg(rk_internal.geom_xy(e.p, ' '), ',' ORDER BY e.i)
    FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(p, i)) || ')';

CREATE OR REPLACE FUNCTION rk_internal.geom_wkt_coords(t text, c jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF c = '[]' THEN
    RETURN ' EMPTY';
  END IF;
  RETURN CASE t
    WHEN 'Point' THEN '(' || rk_internal.geom_xy(c, ' ') || ')'
    WHEN 'LineString' THEN rk_internal.geom_wkt_points(c)
    ELSE '(' || (SELECT pg_catalog.string_agg(CASE
        WHEN t = 'MultiPoint' AND e.m = '[]' THEN 'EMPTY'
        WHEN t = 'MultiPoint' THEN '(' || rk_internal.geom_xy(e.m, ' ') || ')'
        WHEN t = 'Polygon' THEN rk_internal.geom_wkt_points(e.m)
        ELSE pg_catalog.ltrim(rk_internal.geom_wkt_coords(pg_catalog.substr(t, 6), e.m)) END, ',' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(m, i)) || ')'
  END;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_wkt(g jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF g->>'t' = 'GeometryCollection' THEN
    RETURN 'GEOMETRYCOLLECTION' || CASE WHEN g->'g' = '[]' THEN ' EMPTY' ELSE '(' || (
      SELECT pg_catalog.string_agg(rk_internal.geom_wkt(e.m), ',' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(g->'g') WITH ORDINALITY AS e(m, i)) || ')' END;
  END IF;
  RETURN pg_catalog.upper(g->>'t') || rk_internal.geom_wkt_coords(g->>'t', g->'c');
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_json_coords(c jsonb, depth integer) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$ SELECT CASE WHEN depth = 0 THEN CASE WHEN c = '[]' THEN '[]' ELSE '[' || rk_internal.geom_xy(c, ',') || ']' END
    ELSE '[' || COALESCE((SELECT pg_catalog.string_agg(rk_internal.geom_json_coords(e.m, depth - 1), ',' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(c) WITH ORDINALITY AS e(m, i)), '') || ']' END $fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_geojson(g jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF g->>'t' = 'GeometryCollection' THEN
    RETURN '{"type":"GeometryCollection","geometries":[' || COALESCE((
      SELECT pg_catalog.string_agg(rk_internal.geom_geojson(e.m), ',' ORDER BY e.i)
      FROM pg_catalog.jsonb_array_elements(g->'g') WITH ORDINALITY AS e(m, i)), '') || ']}';
  END IF;
  RETURN '{"type":"' || (g->>'t') || '","coordinates":' || rk_internal.geom_json_coords(g->'c', CASE g->>'t'
    WHEN 'Point' THEN 0 WHEN 'LineString' THEN 1 WHEN 'MultiPoint' THEN 1 WHEN 'Polygon' THEN 2
    WHEN 'MultiLineString' THEN 2 ELSE 3 END) || '}';
END
$fn$;

-- Precision 1..20 significant digits (default 15), as Redshift documents; past 17 the shortest exact form.
CREATE OR REPLACE FUNCTION rk_internal.geom_text(v text, digits integer, form text) RETURNS varchar
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET extra_float_digits = 0 AS $fn$
DECLARE
  g jsonb := rk_internal.geom(v);
BEGIN
  IF digits < 1 OR digits > 20 THEN
    RAISE EXCEPTION 'precision must be between 1 and 20, not %', digits USING ERRCODE = '22023';
  END IF;
  PERFORM pg_catalog.set_config('extra_float_digits', LEAST(digits - 15, 3)::text, true);
  RETURN CASE form
    WHEN 'wkt' THEN rk_internal.geom_wkt(g)
    WHEN 'ewkt' THEN CASE WHEN (g->>'s')::integer <> 0 THEN 'SRID=' || (g->>'s') || ';' ELSE '' END || rk_internal.geom_wkt(g)
    ELSE rk_internal.geom_geojson(g) END;
END
$fn$;
`

/** The public functions, over GEOMETRY and (for input and output) GEOGRAPHY. */
const PUBLIC_SQL = `
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromtext(text) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_out(rk_internal.geom_from_wkt($1, 0, false, 'ST_GeomFromText'));
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromtext(text, integer) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN $2 >= 0 THEN rk_internal.geom_out(rk_internal.geom_from_wkt($1, $2, false, 'ST_GeomFromText')) END;
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromewkt(text) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_out(rk_internal.geom_from_wkt($1, NULL, true, 'ST_GeomFromEWKT'));
CREATE OR REPLACE FUNCTION pg_catalog.st_geogfromtext(text) RETURNS pg_catalog.geography
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geog_out((SELECT g || pg_catalog.jsonb_build_object('s', CASE WHEN (g->>'s')::integer = 0 THEN 4326 ELSE (g->>'s')::integer END)
    FROM rk_internal.geom_from_wkt($1, NULL, true, 'ST_GeogFromText') AS g));

CREATE OR REPLACE FUNCTION rk_internal.geom_hex_wkb(hex text, srid integer, fn text) RETURNS pg_catalog.geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  IF hex !~ '^([0-9A-Fa-f]{2})+$' THEN
    PERFORM rk_internal.geom_error(fn, 'invalid WKB: expected an even number of hexadecimal digits');
  END IF;
  RETURN rk_internal.geom_out(rk_internal.geom_from_wkb(pg_catalog.decode(hex, 'hex'), fn)
    || CASE WHEN srid IS NULL THEN '{}'::jsonb ELSE pg_catalog.jsonb_build_object('s', srid) END);
END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromwkb(text) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.geom_hex_wkb($1, NULL, 'ST_GeomFromWKB');
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromwkb(text, integer) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN $2 >= 0 THEN rk_internal.geom_hex_wkb($1, $2, 'ST_GeomFromWKB') END;
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromwkb(pg_catalog.varbyte) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_hex_wkb(pg_catalog.encode($1::bytea, 'hex'), NULL, 'ST_GeomFromWKB');
CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromwkb(pg_catalog.varbyte, integer) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN $2 >= 0 THEN rk_internal.geom_hex_wkb(pg_catalog.encode($1::bytea, 'hex'), $2, 'ST_GeomFromWKB') END;

CREATE OR REPLACE FUNCTION pg_catalog.st_point(double precision, double precision) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_out(pg_catalog.jsonb_build_object('t', 'Point', 'c', pg_catalog.jsonb_build_array($1, $2), 's', 0));
CREATE OR REPLACE FUNCTION pg_catalog.st_point(double precision, double precision, integer) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_out(pg_catalog.jsonb_build_object('t', 'Point', 'c', pg_catalog.jsonb_build_array($1, $2), 's', $3));
CREATE OR REPLACE FUNCTION pg_catalog.st_makepoint(double precision, double precision) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.st_point($1, $2);

CREATE OR REPLACE FUNCTION pg_catalog.st_setsrid(pg_catalog.geometry, integer) RETURNS pg_catalog.geometry
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_out(rk_internal.geom($1) || pg_catalog.jsonb_build_object('s', $2));
CREATE OR REPLACE FUNCTION pg_catalog.st_setsrid(pg_catalog.geography, integer) RETURNS pg_catalog.geography
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geog_out(rk_internal.geom($1) || pg_catalog.jsonb_build_object('s', $2));
`

/** Output and accessor functions, defined once per spatial type. */
function outputsFor(type: 'geometry' | 'geography'): string {
  const t = `pg_catalog.${type}`
  const fn = (sig: string, returns: string, body: string) =>
    `CREATE OR REPLACE FUNCTION pg_catalog.${sig} RETURNS ${returns}
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ${body};`
  return [
    fn(`st_astext(${t})`, 'varchar', `rk_internal.geom_text($1, 15, 'wkt')`),
    fn(`st_astext(${t}, integer)`, 'varchar', `rk_internal.geom_text($1, $2, 'wkt')`),
    fn(`st_asewkt(${t})`, 'varchar', `rk_internal.geom_text($1, 15, 'ewkt')`),
    fn(`st_asewkt(${t}, integer)`, 'varchar', `rk_internal.geom_text($1, $2, 'ewkt')`),
    fn(`st_asgeojson(${t})`, 'varchar', `rk_internal.geom_text($1, 15, 'geojson')`),
    fn(`st_asgeojson(${t}, integer)`, 'varchar', `rk_internal.geom_text($1, $2, 'geojson')`),
    fn(
      `st_asbinary(${t})`,
      'pg_catalog.varbyte',
      `pg_catalog.decode(rk_internal.geom_wkb(rk_internal.geom($1), false), 'hex')::pg_catalog.varbyte`,
    ),
    fn(
      `st_asewkb(${t})`,
      'pg_catalog.varbyte',
      `pg_catalog.decode(rk_internal.geom_wkb(rk_internal.geom($1), true), 'hex')::pg_catalog.varbyte`,
    ),
    fn(`st_srid(${t})`, 'integer', `(rk_internal.geom($1)->>'s')::integer`),
    fn(`st_geometrytype(${t})`, 'varchar', `'ST_' || (rk_internal.geom($1)->>'t')`),
    fn(`st_x(${t})`, 'double precision', `rk_internal.geom_coord(rk_internal.geom($1), 0, 'ST_X')`),
    fn(`st_y(${t})`, 'double precision', `rk_internal.geom_coord(rk_internal.geom($1), 1, 'ST_Y')`),
    fn(`st_isempty(${t})`, 'boolean', `rk_internal.geom_npoints(rk_internal.geom($1)) = 0`),
    fn(`st_npoints(${t})`, 'integer', `rk_internal.geom_npoints(rk_internal.geom($1))`),
    fn(`st_numgeometries(${t})`, 'integer', `rk_internal.geom_numgeometries(rk_internal.geom($1))`),
  ].join('\n')
}

const ACCESSORS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_coord(g jsonb, axis integer, fn text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF g->>'t' <> 'Point' THEN
    RAISE EXCEPTION '%: the argument is a %, not a point', fn, g->>'t' USING ERRCODE = '22023';
  END IF;
  RETURN (g->'c'->>axis)::double precision;
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_npoints(g jsonb) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$ SELECT CASE g->>'t'
    WHEN 'GeometryCollection' THEN (SELECT COALESCE(pg_catalog.sum(rk_internal.geom_npoints(m)), 0)::integer
      FROM pg_catalog.jsonb_array_elements(g->'g') AS m)
    WHEN 'Point' THEN CASE WHEN g->'c' = '[]' THEN 0 ELSE 1 END
    ELSE pg_catalog.jsonb_array_length(pg_catalog.jsonb_path_query_array(g->'c', CASE g->>'t'
      WHEN 'LineString' THEN 'strict $[*]' WHEN 'MultiPoint' THEN 'strict $[*] ? (@.size() == 2)'
      WHEN 'Polygon' THEN 'strict $[*][*]' WHEN 'MultiLineString' THEN 'strict $[*][*]' ELSE 'strict $[*][*][*]' END::jsonpath)) END $fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_numgeometries(g jsonb) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN g->>'t' = 'GeometryCollection' THEN pg_catalog.jsonb_array_length(g->'g')
    WHEN g->>'t' LIKE 'Multi%' THEN pg_catalog.jsonb_array_length(g->'c')
    WHEN g->'c' = '[]' THEN 0 ELSE 1 END;
`

export const SPATIAL_IO_SQL = [
  SPATIAL_READ_SQL,
  WRITE_SQL,
  PUBLIC_SQL,
  ACCESSORS_SQL,
  outputsFor('geometry'),
  outputsFor('geography'),
].join('\n')
