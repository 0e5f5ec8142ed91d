/**
 * Redshift's own types, created in `pg_catalog` so that they resolve whatever the search_path.
 *
 * Why base types and not domains: PostgreSQL describes a domain-typed column in RowDescription with
 * the OID of the domain's BASE type (printtup.c calls getBaseTypeAndTypmod), so a GEOMETRY column
 * over text would be indistinguishable from TEXT on the wire and the gateway could not report OID
 * 3000. Each type is therefore a real base type that borrows the C I/O functions of an existing type
 * (`LANGUAGE internal`), with binary-coercible casts to that type so that its functions and
 * operators (and its btree/hash opclasses, found through binary coercion) keep working.
 *
 * - `super` clones `jsonb`: equality, GROUP BY, DISTINCT, indexes and `s['a']` subscripts work. Its
 *   text form is jsonb's (`{"a": 1}`, keys re-ordered, a space after `:` and `,`); Redshift prints
 *   compact JSON, which `json_serialize()` returns. A string literal assigned to a SUPER column is
 *   parsed as JSON (Redshift stores it as a SUPER string), so insert strings with `json_parse`.
 * - `varbyte` clones `bytea` and takes a length (`varbyte(10)`), enforced on assignment. Its text
 *   form is bytea's hex (`\x0005`); Redshift prints it without the `\x`.
 * - `varbinary` is a domain over `varbyte` (an alias: the wire shows varbyte's OID, as on Redshift);
 *   a domain takes no length, so `varbinary(n)` must be rewritten to `varbyte(n)` by the dialect.
 * - `geometry`, `geography` and `hllsketch` clone `text`: values are stored and returned as given
 *   (no spatial or HLL functions).
 */

interface CloneSpec {
  readonly name: string
  readonly like: string
  readonly io: readonly [input: string, output: string, receive: string, send: string]
  readonly typmod?: readonly [input: string, output: string]
  readonly subscript?: string
}

const CLONES: readonly CloneSpec[] = [
  {
    name: 'super',
    like: 'jsonb',
    io: ['jsonb_in', 'jsonb_out', 'jsonb_recv', 'jsonb_send'],
    subscript: 'jsonb_subscript_handler',
  },
  {
    name: 'varbyte',
    like: 'bytea',
    io: ['byteain', 'byteaout', 'bytearecv', 'byteasend'],
    typmod: ['varchartypmodin', 'varchartypmodout'],
  },
  { name: 'geometry', like: 'text', io: ['textin', 'textout', 'textrecv', 'textsend'] },
  { name: 'geography', like: 'text', io: ['textin', 'textout', 'textrecv', 'textsend'] },
  { name: 'hllsketch', like: 'text', io: ['textin', 'textout', 'textrecv', 'textsend'] },
]

function cloneTypeSql(spec: CloneSpec): string {
  const t = `pg_catalog.${spec.name}`
  const fn = (suffix: string, args: string, returns: string, internal: string) =>
    `CREATE FUNCTION pg_catalog.${spec.name}_${suffix}(${args}) RETURNS ${returns} LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS '${internal}';`
  const [input, output, receive, send] = spec.io
  const options = [
    `INPUT = pg_catalog.${spec.name}_in`,
    `OUTPUT = pg_catalog.${spec.name}_out`,
    `RECEIVE = pg_catalog.${spec.name}_recv`,
    `SEND = pg_catalog.${spec.name}_send`,
    `LIKE = pg_catalog.${spec.like}`,
    ...(spec.typmod
      ? [`TYPMOD_IN = pg_catalog.${spec.name}_typmod_in`, `TYPMOD_OUT = pg_catalog.${spec.name}_typmod_out`]
      : []),
    ...(spec.subscript ? [`SUBSCRIPT = pg_catalog.${spec.subscript}`] : []),
  ]
  return `
  IF pg_catalog.to_regtype('${t}') IS NULL THEN
    CREATE TYPE ${t};
    ${fn('in', 'cstring', t, input)}
    ${fn('out', t, 'cstring', output)}
    ${fn('recv', 'internal', t, receive)}
    ${fn('send', t, 'bytea', send)}
    ${spec.typmod ? fn('typmod_in', 'cstring[]', 'integer', spec.typmod[0]) : ''}
    ${spec.typmod ? fn('typmod_out', 'integer', 'cstring', spec.typmod[1]) : ''}
    CREATE TYPE ${t} (${options.join(', ')});
    CREATE CAST (${t} AS pg_catalog.${spec.like}) WITHOUT FUNCTION AS IMPLICIT;
    CREATE CAST (pg_catalog.${spec.like} AS ${t}) WITHOUT FUNCTION AS ASSIGNMENT;
  END IF;`
}

/** Engine type name -> [Redshift type name, Redshift OID] for the gateway's RowDescription rewrite. */
const TYPE_MAP: readonly (readonly [engineName: string, redshiftName: string, redshiftOid: number])[] = [
  ['super', 'super', 4000],
  ['varbyte', 'varbyte', 6551],
  ['geometry', 'geometry', 3000],
  ['geography', 'geography', 3001],
  ['hllsketch', 'hllsketch', 2935],
  // Redshift has neither jsonb nor bytea; they surface from SUPER subscripts (`s['a']`) and bytea
  // operators over VARBYTE (`a || b`), so the gateway reports them as SUPER and VARBYTE.
  ['jsonb', 'super', 4000],
  ['bytea', 'varbyte', 6551],
]

/** Creates the Redshift types, their casts, and `rk_internal.redshift_type_map`. */
export const REDSHIFT_TYPES_SQL = `
DO $rk_types$
BEGIN
${CLONES.map(cloneTypeSql).join('\n')}
  IF pg_catalog.to_regtype('pg_catalog.varbinary') IS NULL THEN
    CREATE DOMAIN pg_catalog.varbinary AS pg_catalog.varbyte;
  END IF;
END
$rk_types$;

-- Redshift's VARBYTE(n) rejects longer values on assignment and truncates on an explicit cast,
-- as PostgreSQL does for varchar(n). typmod is n + 4 (varchartypmodin's convention).
CREATE OR REPLACE FUNCTION pg_catalog.varbyte(pg_catalog.varbyte, integer, boolean) RETURNS pg_catalog.varbyte
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF $2 < 4 OR pg_catalog.octet_length($1::bytea) <= $2 - 4 THEN
    RETURN $1;
  END IF;
  IF $3 THEN
    RETURN pg_catalog.substr($1::bytea, 1, $2 - 4)::pg_catalog.varbyte;
  END IF;
  RAISE EXCEPTION 'value too long for type varbyte(%)', $2 - 4 USING ERRCODE = '22001';
END
$fn$;

-- Redshift casts integers to VARBYTE as their big-endian two's-complement bytes (5::smallint -> 0005).
CREATE OR REPLACE FUNCTION pg_catalog.varbyte(smallint) RETURNS pg_catalog.varbyte
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.int2send($1)::pg_catalog.varbyte;
CREATE OR REPLACE FUNCTION pg_catalog.varbyte(integer) RETURNS pg_catalog.varbyte
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.int4send($1)::pg_catalog.varbyte;
CREATE OR REPLACE FUNCTION pg_catalog.varbyte(bigint) RETURNS pg_catalog.varbyte
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.int8send($1)::pg_catalog.varbyte;

DO $rk_casts$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast
                 WHERE castsource = 'pg_catalog.varbyte'::regtype AND casttarget = 'pg_catalog.varbyte'::regtype) THEN
    -- The length coercion is what makes varbyte(n) enforce n; casts have no OR REPLACE, hence the test.
    CREATE CAST (pg_catalog.varbyte AS pg_catalog.varbyte)
      WITH FUNCTION pg_catalog.varbyte(pg_catalog.varbyte, integer, boolean) AS IMPLICIT;
    CREATE CAST (text AS pg_catalog.varbyte) WITHOUT FUNCTION;
    CREATE CAST (smallint AS pg_catalog.varbyte) WITH FUNCTION pg_catalog.varbyte(smallint);
    CREATE CAST (integer AS pg_catalog.varbyte) WITH FUNCTION pg_catalog.varbyte(integer);
    CREATE CAST (bigint AS pg_catalog.varbyte) WITH FUNCTION pg_catalog.varbyte(bigint);
  END IF;
END
$rk_casts$;

CREATE OR REPLACE VIEW rk_internal.redshift_type_map AS
SELECT t.oid AS engine_oid, m.redshift_oid, m.type_name
FROM (VALUES ${TYPE_MAP.map(([e, r, o]) => `('${e}', '${r}', ${o})`).join(', ')}) AS m(engine_name, type_name, redshift_oid)
JOIN pg_catalog.pg_type t ON t.typname = m.engine_name AND t.typnamespace = 'pg_catalog'::regnamespace;
COMMENT ON VIEW rk_internal.redshift_type_map IS
  'Engine type OID -> Redshift type OID, for the RowDescription of results (domains are described by their base type).';
`
