/**
 * String, hash, VARBYTE and system functions found missing by the pass over the AWS function list
 * (packages/local/docs/functions.md): SOUNDEX, DIFFERENCE, OCTETINDEX, SHA, GETBIT, Redshift's
 * REGEXP_REPLACE (every match replaced), the three-argument TO_DATE, CURRENT_USER_ID, PG_GET_COLS,
 * SLICE_NUM, TEXT_TO_INT_ALT (without a format), and string
 * overloads that settle untyped literals for LAST_DAY / NEXT_DAY (ambiguous between DATE and TIMESTAMP).
 */
export const STRING_HASH_FUNCTIONS_SQL = `
-- American Soundex over ASCII letters, as Redshift: the first letter, then up to three digits; H and
-- W do not separate letters of one code, vowels do; '' when there is no letter.
CREATE OR REPLACE FUNCTION pg_catalog.soundex(text) RETURNS varchar
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  s text := pg_catalog.upper(pg_catalog.regexp_replace($1, '[^A-Za-z]', '', 'g'));
  codes CONSTANT text := '01230120022455012623010202';
  out text; prev text; c text; i integer;
BEGIN
  IF s = '' THEN RETURN ''; END IF;
  out := pg_catalog.substr(s, 1, 1);
  prev := pg_catalog.substr(codes, pg_catalog.ascii(out) - 64, 1);
  FOR i IN 2 .. pg_catalog.length(s) LOOP
    EXIT WHEN pg_catalog.length(out) = 4;
    c := pg_catalog.substr(s, i, 1);
    IF c IN ('H', 'W') THEN CONTINUE; END IF;
    c := pg_catalog.substr(codes, pg_catalog.ascii(c) - 64, 1);
    IF c <> '0' AND c <> prev THEN out := out || c; END IF;
    prev := c;
  END LOOP;
  RETURN pg_catalog.rpad(out, 4, '0');
END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.difference(text, text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT count(*)::integer FROM (SELECT pg_catalog.soundex($1) AS a, pg_catalog.soundex($2) AS b) AS s,
    pg_catalog.generate_series(1, 4) AS i
  WHERE a <> '' AND b <> '' AND pg_catalog.substr(a, i, 1) = pg_catalog.substr(b, i, 1)
$fn$;
-- The byte position (1-based) of the first occurrence, 0 when absent.
CREATE OR REPLACE FUNCTION pg_catalog.octetindex(text, text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN pg_catalog.strpos($2, $1) = 0 THEN 0
    ELSE pg_catalog.octet_length(pg_catalog.left($2, pg_catalog.strpos($2, $1) - 1)) + 1 END;
CREATE OR REPLACE FUNCTION pg_catalog.sha(text) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT pg_catalog.sha1($1)';
-- VARBYTE || VARBYTE is the engine's bytea concatenation: its result takes VARBYTE's functions too.
CREATE OR REPLACE FUNCTION pg_catalog.to_hex(bytea) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT pg_catalog.to_hex($1::pg_catalog.varbyte)';
CREATE OR REPLACE FUNCTION pg_catalog.getbit(pg_catalog.varbyte, integer) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.get_bit($1::bytea, $2);

-- Redshift replaces every match (PostgreSQL only the first without 'g'); its parameters are c, i and
-- p (Perl syntax: the engine's regular expressions take it as they are).
CREATE OR REPLACE FUNCTION rk_internal.regexp_replace(text, text, text DEFAULT '', integer DEFAULT 1, text DEFAULT 'c') RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.regexp_replace($1, $2, $3, $4, 0, pg_catalog.translate($5, 'p', ''));

CREATE OR REPLACE FUNCTION pg_catalog.to_date(text, text, boolean) RETURNS date
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN pg_catalog.to_date($1, $2);

CREATE OR REPLACE FUNCTION pg_catalog.current_user_id() RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (SELECT usesysid::integer FROM pg_catalog.pg_user WHERE usename = CURRENT_USER);

CREATE OR REPLACE FUNCTION pg_catalog.last_day(text) RETURNS date
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN pg_catalog.last_day($1::timestamp);
CREATE OR REPLACE FUNCTION pg_catalog.next_day(text, text) RETURNS date
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN pg_catalog.next_day($1::timestamp, $2);

-- SELECT * FROM pg_get_cols('s.v') cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int)
CREATE OR REPLACE FUNCTION pg_catalog.pg_get_cols(text) RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar, a.attnum::integer
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.oid = $1::regclass AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_table_privilege(c.oid, 'SELECT'))
  ORDER BY a.attnum
$fn$;

-- One slice locally: every row is on slice 0.
CREATE OR REPLACE FUNCTION pg_catalog.slice_num() RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 0;

-- Teradata style: a sign before or after the digits, an exponent; the fraction is cut; blank is 0.
CREATE OR REPLACE FUNCTION pg_catalog.text_to_int_alt(text) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE s text := pg_catalog.btrim($1); negative boolean := false;
BEGIN
  IF s = '' THEN RETURN 0; END IF;
  IF pg_catalog.right(s, 1) IN ('+', '-') THEN
    negative := pg_catalog.right(s, 1) = '-';
    s := pg_catalog.rtrim(pg_catalog.left(s, -1));
  END IF;
  IF s !~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN
    RAISE EXCEPTION 'invalid input syntax for type integer: "%"', $1 USING ERRCODE = '22P02';
  END IF;
  RETURN pg_catalog.trunc(CASE WHEN negative THEN -(s::numeric) ELSE s::numeric END)::integer;
END
$fn$;
`
