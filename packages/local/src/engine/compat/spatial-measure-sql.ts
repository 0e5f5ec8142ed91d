/**
 * Redshift's planar measures and predicates over the geometry model of spatial-io-sql.ts: ST_Distance,
 * ST_DWithin, ST_Length, ST_Area, ST_Perimeter, ST_Intersects, ST_Contains, ST_Within, ST_Envelope,
 * ST_Centroid. A geometry is broken into atoms (points, linestrings, polygons; collections and multi
 * types flattened) and their segments (a point is a segment of length 0); the predicates work on
 * those, so they hold for every combination of types, for valid geometries as Redshift assumes.
 */

const ATOMS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_atoms(g jsonb) RETURNS TABLE(kind text, c jsonb)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  t text := g->>'t';
  m jsonb;
BEGIN
  IF t = 'GeometryCollection' THEN
    FOR m IN SELECT e.v FROM pg_catalog.jsonb_array_elements(g->'g') WITH ORDINALITY AS e(v, i) ORDER BY e.i LOOP
      RETURN QUERY SELECT * FROM rk_internal.geom_atoms(m);
    END LOOP;
  ELSIF t LIKE 'Multi%' THEN
    RETURN QUERY SELECT pg_catalog.substr(t, 6), e.v
      FROM pg_catalog.jsonb_array_elements(g->'c') WITH ORDINALITY AS e(v, i) WHERE e.v <> '[]' ORDER BY e.i;
  ELSIF g->'c' <> '[]' THEN
    RETURN QUERY SELECT t, g->'c';
  END IF;
END
$fn$;

-- The consecutive point pairs of a list of coordinates.
CREATE OR REPLACE FUNCTION rk_internal.geom_pairs(pts jsonb)
  RETURNS TABLE(x1 double precision, y1 double precision, x2 double precision, y2 double precision)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT (s.p->>0)::double precision, (s.p->>1)::double precision, (s.q->>0)::double precision, (s.q->>1)::double precision
  FROM (SELECT e.p, pg_catalog.lead(e.p) OVER (ORDER BY e.i) AS q
        FROM pg_catalog.jsonb_array_elements(pts) WITH ORDINALITY AS e(p, i)) AS s
  WHERE s.q IS NOT NULL
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_segs(g jsonb)
  RETURNS TABLE(comp bigint, kind text, x1 double precision, y1 double precision, x2 double precision, y2 double precision)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  WITH a AS (SELECT t.n, t.kind, t.c FROM rk_internal.geom_atoms(g) WITH ORDINALITY AS t(kind, c, n))
  SELECT a.n, a.kind, (a.c->>0)::double precision, (a.c->>1)::double precision, (a.c->>0)::double precision,
    (a.c->>1)::double precision FROM a WHERE a.kind = 'Point'
  UNION ALL
  SELECT a.n, a.kind, s.* FROM a, rk_internal.geom_pairs(a.c) AS s WHERE a.kind = 'LineString'
  UNION ALL
  SELECT a.n, a.kind, s.* FROM a, pg_catalog.jsonb_array_elements(a.c) AS r, rk_internal.geom_pairs(r) AS s
  WHERE a.kind = 'Polygon'
$fn$;
`

/** Exact-where-possible primitives: orientation signs rather than distances decide "on the segment". */
const PRIMITIVES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_orient(ax double precision, ay double precision, bx double precision,
  by double precision, cx double precision, cy double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

CREATE OR REPLACE FUNCTION rk_internal.geom_on_seg(px double precision, py double precision, x1 double precision,
  y1 double precision, x2 double precision, y2 double precision) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_orient(x1, y1, x2, y2, px, py) = 0
    AND px BETWEEN LEAST(x1, x2) AND GREATEST(x1, x2) AND py BETWEEN LEAST(y1, y2) AND GREATEST(y1, y2);

-- Whether the two segments cross at a point inside both (not at an end of either).
CREATE OR REPLACE FUNCTION rk_internal.geom_crosses(ax1 double precision, ay1 double precision, ax2 double precision,
  ay2 double precision, bx1 double precision, by1 double precision, bx2 double precision, by2 double precision) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_orient(ax1, ay1, ax2, ay2, bx1, by1) * rk_internal.geom_orient(ax1, ay1, ax2, ay2, bx2, by2) < 0
    AND rk_internal.geom_orient(bx1, by1, bx2, by2, ax1, ay1) * rk_internal.geom_orient(bx1, by1, bx2, by2, ax2, ay2) < 0;

CREATE OR REPLACE FUNCTION rk_internal.geom_touch(ax1 double precision, ay1 double precision, ax2 double precision,
  ay2 double precision, bx1 double precision, by1 double precision, bx2 double precision, by2 double precision) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.geom_crosses(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2)
    OR rk_internal.geom_on_seg(bx1, by1, ax1, ay1, ax2, ay2) OR rk_internal.geom_on_seg(bx2, by2, ax1, ay1, ax2, ay2)
    OR rk_internal.geom_on_seg(ax1, ay1, bx1, by1, bx2, by2) OR rk_internal.geom_on_seg(ax2, ay2, bx1, by1, bx2, by2);

CREATE OR REPLACE FUNCTION rk_internal.geom_pt_seg(px double precision, py double precision, x1 double precision,
  y1 double precision, x2 double precision, y2 double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT pg_catalog.sqrt((px - x1 - t * (x2 - x1)) ^ 2 + (py - y1 - t * (y2 - y1)) ^ 2)
    FROM (SELECT CASE WHEN x1 = x2 AND y1 = y2 THEN 0
      ELSE GREATEST(0, LEAST(1, ((px - x1) * (x2 - x1) + (py - y1) * (y2 - y1)) / ((x2 - x1) ^ 2 + (y2 - y1) ^ 2))) END AS t) AS s);

CREATE OR REPLACE FUNCTION rk_internal.geom_seg_dist(ax1 double precision, ay1 double precision, ax2 double precision,
  ay2 double precision, bx1 double precision, by1 double precision, bx2 double precision, by2 double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN rk_internal.geom_touch(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2) THEN 0
    ELSE LEAST(rk_internal.geom_pt_seg(ax1, ay1, bx1, by1, bx2, by2), rk_internal.geom_pt_seg(ax2, ay2, bx1, by1, bx2, by2),
      rk_internal.geom_pt_seg(bx1, by1, ax1, ay1, ax2, ay2), rk_internal.geom_pt_seg(bx2, by2, ax1, ay1, ax2, ay2)) END;

-- Where (x, y) lies relative to one atom: 1 interior, 0 boundary, -1 exterior.
CREATE OR REPLACE FUNCTION rk_internal.geom_locate_atom(x double precision, y double precision, kind text, c jsonb)
  RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE kind
    WHEN 'Point' THEN CASE WHEN (c->>0)::double precision = x AND (c->>1)::double precision = y THEN 1 ELSE -1 END
    WHEN 'LineString' THEN CASE
      WHEN c->0 <> c->-1 AND ((c->0->>0)::double precision = x AND (c->0->>1)::double precision = y
        OR (c->-1->>0)::double precision = x AND (c->-1->>1)::double precision = y) THEN 0
      WHEN EXISTS (SELECT 1 FROM rk_internal.geom_pairs(c) AS s WHERE rk_internal.geom_on_seg(x, y, s.x1, s.y1, s.x2, s.y2)) THEN 1
      ELSE -1 END
    ELSE (SELECT CASE WHEN pg_catalog.bool_or(rk_internal.geom_on_seg(x, y, s.x1, s.y1, s.x2, s.y2)) THEN 0
        WHEN pg_catalog.count(*) FILTER (WHERE (s.y1 > y) <> (s.y2 > y)
          AND x < (s.x2 - s.x1) * (y - s.y1) / (s.y2 - s.y1) + s.x1) % 2 = 1 THEN 1 ELSE -1 END
      FROM pg_catalog.jsonb_array_elements(c) AS r, rk_internal.geom_pairs(r) AS s)
  END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_locate(x double precision, y double precision, g jsonb) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT COALESCE(pg_catalog.max(rk_internal.geom_locate_atom(x, y, a.kind, a.c)), -1) FROM rk_internal.geom_atoms(g) AS a
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_pair_of(a text, b text, fn text) RETURNS jsonb[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  ga jsonb := rk_internal.geom(a);
  gb jsonb := rk_internal.geom(b);
BEGIN
  IF ga->'s' <> gb->'s' THEN
    RAISE EXCEPTION '%: the geometries have different SRIDs (% and %)', fn, ga->>'s', gb->>'s' USING ERRCODE = '22023';
  END IF;
  RETURN ARRAY[ga, gb];
END
$fn$;
`

const PREDICATES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_intersects(a jsonb, b jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  WITH sa AS MATERIALIZED (SELECT * FROM rk_internal.geom_segs(a)),
       sb AS MATERIALIZED (SELECT * FROM rk_internal.geom_segs(b))
  SELECT EXISTS (SELECT 1 FROM sa, sb WHERE rk_internal.geom_touch(sa.x1, sa.y1, sa.x2, sa.y2, sb.x1, sb.y1, sb.x2, sb.y2))
    OR EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (sa.comp) sa.x1, sa.y1 FROM sa ORDER BY sa.comp) AS v
               WHERE rk_internal.geom_locate(v.x1, v.y1, b) >= 0)
    OR EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (sb.comp) sb.x1, sb.y1 FROM sb ORDER BY sb.comp) AS v
               WHERE rk_internal.geom_locate(v.x1, v.y1, a) >= 0)
$fn$;

-- a contains b: no point of b outside a (its vertices and segment midpoints are tested, and no segment
-- of b may cross a's boundary), and at least one of those points inside a's interior.
CREATE OR REPLACE FUNCTION rk_internal.geom_contains(a jsonb, b jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  WITH sa AS MATERIALIZED (SELECT * FROM rk_internal.geom_segs(a)),
       sb AS MATERIALIZED (SELECT * FROM rk_internal.geom_segs(b)),
       probe AS MATERIALIZED (
         SELECT rk_internal.geom_locate(p.x, p.y, a) AS at
         FROM (SELECT sb.x1 AS x, sb.y1 AS y FROM sb UNION SELECT sb.x2, sb.y2 FROM sb
               UNION SELECT (sb.x1 + sb.x2) / 2, (sb.y1 + sb.y2) / 2 FROM sb) AS p)
  SELECT EXISTS (SELECT 1 FROM sb) AND EXISTS (SELECT 1 FROM sa)
    AND NOT EXISTS (SELECT 1 FROM probe WHERE probe.at < 0)
    AND EXISTS (SELECT 1 FROM probe WHERE probe.at = 1)
    AND NOT EXISTS (SELECT 1 FROM sa, sb WHERE sa.kind <> 'Point'
                    AND rk_internal.geom_crosses(sa.x1, sa.y1, sa.x2, sa.y2, sb.x1, sb.y1, sb.x2, sb.y2))
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.geom_distance(a jsonb, b jsonb) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM rk_internal.geom_atoms(a)) OR NOT EXISTS (SELECT 1 FROM rk_internal.geom_atoms(b))
      THEN NULL
    WHEN rk_internal.geom_intersects(a, b) THEN 0
    ELSE (SELECT pg_catalog.min(rk_internal.geom_seg_dist(sa.x1, sa.y1, sa.x2, sa.y2, sb.x1, sb.y1, sb.x2, sb.y2))
          FROM rk_internal.geom_segs(a) AS sa, rk_internal.geom_segs(b) AS sb) END
$fn$;
`

const MEASURES_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.geom_seg_length(g jsonb, of_kind text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT COALESCE(pg_catalog.sum(pg_catalog.sqrt((s.x2 - s.x1) ^ 2 + (s.y2 - s.y1) ^ 2)), 0)
  FROM rk_internal.geom_segs(g) AS s WHERE s.kind = of_kind
$fn$;

-- Signed shoelace sums per ring: the outer ring counts positive, holes negative, whatever their winding.
CREATE OR REPLACE FUNCTION rk_internal.geom_rings(g jsonb)
  RETURNS TABLE(area double precision, cx double precision, cy double precision)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT pg_catalog.abs(r.a2) / 2 * r.sgn,
    CASE WHEN r.a2 = 0 THEN 0 ELSE r.cx / (3 * r.a2) END, CASE WHEN r.a2 = 0 THEN 0 ELSE r.cy / (3 * r.a2) END
  FROM (SELECT CASE WHEN e.i = 1 THEN 1 ELSE -1 END AS sgn,
          pg_catalog.sum(s.x1 * s.y2 - s.x2 * s.y1) AS a2,
          pg_catalog.sum((s.x1 + s.x2) * (s.x1 * s.y2 - s.x2 * s.y1)) AS cx,
          pg_catalog.sum((s.y1 + s.y2) * (s.x1 * s.y2 - s.x2 * s.y1)) AS cy
        FROM rk_internal.geom_atoms(g) WITH ORDINALITY AS a(kind, c, n),
          pg_catalog.jsonb_array_elements(a.c) WITH ORDINALITY AS e(ring, i), rk_internal.geom_pairs(e.ring) AS s
        WHERE a.kind = 'Polygon' GROUP BY a.n, e.i) AS r
$fn$;

-- The centroid of the atoms of the highest dimension: area-, length- or count-weighted.
CREATE OR REPLACE FUNCTION rk_internal.geom_centroid(g jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  x double precision;
  y double precision;
BEGIN
  SELECT pg_catalog.sum(r.cx * r.area) / NULLIF(pg_catalog.sum(r.area), 0), pg_catalog.sum(r.cy * r.area) / NULLIF(pg_catalog.sum(r.area), 0)
    INTO x, y FROM rk_internal.geom_rings(g) AS r;
  IF x IS NULL THEN
    SELECT pg_catalog.sum((s.x1 + s.x2) / 2 * s.len) / NULLIF(pg_catalog.sum(s.len), 0),
           pg_catalog.sum((s.y1 + s.y2) / 2 * s.len) / NULLIF(pg_catalog.sum(s.len), 0)
      INTO x, y
      FROM (SELECT s.*, pg_catalog.sqrt((s.x2 - s.x1) ^ 2 + (s.y2 - s.y1) ^ 2) AS len
            FROM rk_internal.geom_segs(g) AS s WHERE s.kind <> 'Point') AS s;
  END IF;
  IF x IS NULL THEN
    SELECT pg_catalog.avg(s.x1), pg_catalog.avg(s.y1) INTO x, y FROM rk_internal.geom_segs(g) AS s WHERE s.kind = 'Point';
  END IF;
  RETURN pg_catalog.jsonb_build_object('t', 'Point', 's', g->'s',
    'c', CASE WHEN x IS NULL THEN '[]'::jsonb ELSE pg_catalog.jsonb_build_array(x, y) END);
END
$fn$;

-- Redshift's ST_Envelope: a point or a line when the box is degenerate, otherwise the box's polygon.
CREATE OR REPLACE FUNCTION rk_internal.geom_envelope(g jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  b record;
BEGIN
  SELECT pg_catalog.min(LEAST(s.x1, s.x2)) AS x0, pg_catalog.min(LEAST(s.y1, s.y2)) AS y0,
         pg_catalog.max(GREATEST(s.x1, s.x2)) AS x1, pg_catalog.max(GREATEST(s.y1, s.y2)) AS y1
    INTO b FROM rk_internal.geom_segs(g) AS s;
  IF b.x0 IS NULL THEN
    RETURN g;
  ELSIF b.x0 = b.x1 AND b.y0 = b.y1 THEN
    RETURN pg_catalog.jsonb_build_object('t', 'Point', 's', g->'s', 'c', pg_catalog.jsonb_build_array(b.x0, b.y0));
  ELSIF b.x0 = b.x1 OR b.y0 = b.y1 THEN
    RETURN pg_catalog.jsonb_build_object('t', 'LineString', 's', g->'s',
      'c', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_array(b.x0, b.y0), pg_catalog.jsonb_build_array(b.x1, b.y1)));
  END IF;
  RETURN pg_catalog.jsonb_build_object('t', 'Polygon', 's', g->'s', 'c', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_array(b.x0, b.y0), pg_catalog.jsonb_build_array(b.x0, b.y1), pg_catalog.jsonb_build_array(b.x1, b.y1),
    pg_catalog.jsonb_build_array(b.x1, b.y0), pg_catalog.jsonb_build_array(b.x0, b.y0))));
END
$fn$;
`

const g = 'pg_catalog.geometry'
const fn = (sig: string, returns: string, body: string) =>
  `CREATE OR REPLACE FUNCTION pg_catalog.${sig} RETURNS ${returns}
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ${body};`
const pair = (name: string) => `rk_internal.geom_pair_of($1, $2, '${name}')`

const PUBLIC_SQL = [
  fn(
    `st_distance(${g}, ${g})`,
    'double precision',
    `(SELECT rk_internal.geom_distance(p[1], p[2]) FROM ${pair('ST_Distance')} AS p)`,
  ),
  fn(
    `st_dwithin(${g}, ${g}, double precision)`,
    'boolean',
    `(SELECT rk_internal.geom_distance(p[1], p[2]) <= $3 FROM ${pair('ST_DWithin')} AS p)`,
  ),
  fn(
    `st_intersects(${g}, ${g})`,
    'boolean',
    `(SELECT rk_internal.geom_intersects(p[1], p[2]) FROM ${pair('ST_Intersects')} AS p)`,
  ),
  fn(
    `st_contains(${g}, ${g})`,
    'boolean',
    `(SELECT rk_internal.geom_contains(p[1], p[2]) FROM ${pair('ST_Contains')} AS p)`,
  ),
  fn(
    `st_within(${g}, ${g})`,
    'boolean',
    `(SELECT rk_internal.geom_contains(p[2], p[1]) FROM ${pair('ST_Within')} AS p)`,
  ),
  fn(
    `st_length(${g})`,
    'double precision',
    `rk_internal.geom_seg_length(rk_internal.geom($1), 'LineString')`,
  ),
  fn(
    `st_perimeter(${g})`,
    'double precision',
    `rk_internal.geom_seg_length(rk_internal.geom($1), 'Polygon')`,
  ),
  fn(
    `st_area(${g})`,
    'double precision',
    `(SELECT COALESCE(pg_catalog.sum(r.area), 0) FROM rk_internal.geom_rings(rk_internal.geom($1)) AS r)`,
  ),
  fn(`st_envelope(${g})`, g, `rk_internal.geom_out(rk_internal.geom_envelope(rk_internal.geom($1)))`),
  fn(`st_centroid(${g})`, g, `rk_internal.geom_out(rk_internal.geom_centroid(rk_internal.geom($1)))`),
].join('\n')

export const SPATIAL_MEASURE_SQL = [ATOMS_SQL, PRIMITIVES_SQL, PREDICATES_SQL, MEASURES_SQL, PUBLIC_SQL].join(
  '\n',
)
