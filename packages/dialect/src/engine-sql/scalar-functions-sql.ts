import { REDSHIFT_VERSION_STRING } from './redshift-version.js'

/** The most search/result pairs a DECODE call may have (Redshift documents no limit). */
export const DECODE_MAX_PAIRS = 30

/**
 * DECODE(expr, search, result [, search, result]... [, default]) as one overload per argument count
 * (SQL functions cannot take a variadic list of alternating types). The results and the default share
 * the `anycompatible` family, so untyped literals resolve to text and mixed int/numeric results unify.
 * expr and the searches share `anyelement`, which needs them to be of one type (untyped literals adapt
 * to the column); a twin overload with text expr/search takes calls whose expr is an untyped literal.
 * Like Redshift, a NULL expr matches a NULL search. PostgreSQL's `decode(text, text)` is untouched.
 */
function decodeOverloads(): string {
  const out: string[] = []
  for (let pairs = 1; pairs <= DECODE_MAX_PAIRS; pairs++) {
    for (const withDefault of [false, true]) {
      for (const key of ['anyelement', 'text']) {
        const args = [key]
        const whens: string[] = []
        for (let i = 0; i < pairs; i++) {
          args.push(key, 'anycompatible')
          whens.push(`WHEN $1 IS NOT DISTINCT FROM $${2 + 2 * i} THEN $${3 + 2 * i}`)
        }
        if (withDefault) args.push('anycompatible')
        const otherwise = withDefault ? ` ELSE $${args.length}` : ''
        out.push(
          `CREATE OR REPLACE FUNCTION pg_catalog.decode(${args.join(', ')}) RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE ${whens.join(' ')}${otherwise} END';`,
        )
      }
    }
  }
  return out.join('\n')
}

/** A `pg_last_*()` function over an `rk.<setting>` the gateway sets after the statement it reports on. */
function lastFunction(name: string, setting: string, type: 'integer' | 'bigint', unset: number): string {
  return `CREATE OR REPLACE FUNCTION pg_catalog.${name}() RETURNS ${type} LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(nullif(pg_catalog.current_setting('rk.${setting}', true), '')::${type}, ${unset});`
}

/**
 * Redshift's scalar functions that are not date/time or JSON: NVL, NVL2, DECODE, LEN, CHARINDEX,
 * STRTOL, the `pg_last_*` session functions and `version()`.
 */
export const SCALAR_FUNCTIONS_SQL = `
-- NVL is COALESCE under another name; the two-argument form stays an inlinable COALESCE.
CREATE OR REPLACE FUNCTION pg_catalog.nvl(anycompatible, anycompatible) RETURNS anycompatible
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT coalesce($1, $2)';
CREATE OR REPLACE FUNCTION pg_catalog.nvl(anycompatible, anycompatible, VARIADIC anycompatiblearray) RETURNS anycompatible
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT coalesce($1, $2, (SELECT v FROM unnest($3) WITH ORDINALITY AS u(v, i) WHERE v IS NOT NULL ORDER BY i LIMIT 1))';

-- The text twin takes an untyped first argument (NULL or a literal), which anyelement cannot resolve.
CREATE OR REPLACE FUNCTION pg_catalog.nvl2(anyelement, anycompatible, anycompatible) RETURNS anycompatible
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN $1 IS NOT NULL THEN $2 ELSE $3 END';
CREATE OR REPLACE FUNCTION pg_catalog.nvl2(text, anycompatible, anycompatible) RETURNS anycompatible
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN $1 IS NOT NULL THEN $2 ELSE $3 END';

${decodeOverloads()}

-- LEN ignores the trailing blanks of CHAR(n) but counts those of VARCHAR, as length() does.
CREATE OR REPLACE FUNCTION pg_catalog.len(text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.length($1);
CREATE OR REPLACE FUNCTION pg_catalog.len(character) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.length($1);
CREATE OR REPLACE FUNCTION pg_catalog.len(pg_catalog.varbyte) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.octet_length($1::bytea);
CREATE OR REPLACE FUNCTION pg_catalog.len(bytea) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.octet_length($1);

CREATE OR REPLACE FUNCTION pg_catalog.charindex(text, text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.strpos($2, $1);

-- STRTOL follows C's strtol: leading blanks, one sign, '0x' for base 16, then digits up to the
-- first character that is not one (so '' and '\\0' give 0); the value must fit a BIGINT.
CREATE OR REPLACE FUNCTION pg_catalog.strtol(text, integer) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  s text := pg_catalog.ltrim($1, E' \\t\\n\\r\\f\\v');
  negative boolean := false;
  acc numeric := 0;
  d integer;
  c text;
BEGIN
  IF $2 < 2 OR $2 > 36 THEN
    RAISE EXCEPTION 'STRTOL base must be between 2 and 36, got %', $2 USING ERRCODE = '22023';
  END IF;
  IF left(s, 1) IN ('+', '-') THEN
    negative := left(s, 1) = '-';
    s := substr(s, 2);
  END IF;
  IF $2 = 16 AND lower(left(s, 2)) = '0x' THEN
    s := substr(s, 3);
  END IF;
  FOREACH c IN ARRAY regexp_split_to_array(lower(s), '') LOOP
    d := CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 48
              WHEN c BETWEEN 'a' AND 'z' THEN ascii(c) - 87 ELSE 99 END;
    EXIT WHEN d >= $2;
    acc := acc * $2 + d;
  END LOOP;
  RETURN (CASE WHEN negative THEN -acc ELSE acc END)::bigint;
END
$fn$;

-- Set by the gateway after each COPY / UNLOAD / query (rk.last_*), read per session as on Redshift.
${lastFunction('pg_last_query_id', 'last_query_id', 'integer', -1)}
${lastFunction('pg_last_copy_id', 'last_copy_id', 'integer', -1)}
${lastFunction('pg_last_copy_count', 'last_copy_count', 'bigint', 0)}
${lastFunction('pg_last_unload_id', 'last_unload_id', 'integer', -1)}
${lastFunction('pg_last_unload_count', 'last_unload_count', 'bigint', 0)}

-- What a refused statement with parameters runs instead (the gateway shows its own error in place of this one).
CREATE OR REPLACE FUNCTION rk_internal.refuse_statement() RETURNS integer
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'refused by the redshift-local gateway';
END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.redshift_version() RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN '${REDSHIFT_VERSION_STRING}';
-- Replacing the built-in in place (same OID) makes every caller, including drivers that parse it,
-- see Redshift's banner with no rewrite; current_setting('server_version') still tells the engine's.
CREATE OR REPLACE FUNCTION pg_catalog.version() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE RETURN '${REDSHIFT_VERSION_STRING}';
`
