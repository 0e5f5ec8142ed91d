/**
 * Redshift's VARBYTE functions (AWS "VARBYTE functions and operators"): FROM_HEX, TO_HEX, TO_VARBYTE,
 * FROM_VARBYTE. The formats are `hex`, `binary` (a string of 0 and 1), `utf8` and `base64`.
 */
export const VARBYTE_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.varbyte_format(text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  IF pg_catalog.lower($1) IN ('hex', 'binary', 'utf8', 'utf-8', 'base64') THEN
    RETURN pg_catalog.replace(pg_catalog.lower($1), '-', '');
  END IF;
  RAISE EXCEPTION 'invalid format "%"', $1 USING ERRCODE = '22023',
    HINT = 'The format is one of hex, binary, utf8, base64.';
END
$fn$;

CREATE OR REPLACE FUNCTION pg_catalog.from_hex(text) RETURNS pg_catalog.varbyte
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.decode($1, 'hex')::pg_catalog.varbyte;
CREATE OR REPLACE FUNCTION pg_catalog.to_hex(pg_catalog.varbyte) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.encode($1::bytea, 'hex');

CREATE OR REPLACE FUNCTION pg_catalog.to_varbyte(text, text) RETURNS pg_catalog.varbyte
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  bits text;
  acc bytea := ''::bytea;
BEGIN
  CASE rk_internal.varbyte_format($2)
    WHEN 'hex' THEN RETURN pg_catalog.decode($1, 'hex')::pg_catalog.varbyte;
    WHEN 'base64' THEN RETURN pg_catalog.decode($1, 'base64')::pg_catalog.varbyte;
    WHEN 'utf8' THEN RETURN pg_catalog.convert_to($1, 'UTF8')::pg_catalog.varbyte;
    ELSE
      IF $1 !~ '^[01]*$' THEN
        RAISE EXCEPTION 'invalid binary string "%"', $1 USING ERRCODE = '22P02';
      END IF;
      -- Left-padded to whole bytes, as Redshift reads a binary literal.
      bits := pg_catalog.lpad($1, ((pg_catalog.length($1) + 7) / 8) * 8, '0');
      FOR i IN 0 .. pg_catalog.length(bits) / 8 - 1 LOOP
        acc := acc || pg_catalog.set_byte('\\x00'::bytea, 0, pg_catalog.substr(bits, i * 8 + 1, 8)::bit(8)::integer);
      END LOOP;
      RETURN acc::pg_catalog.varbyte;
  END CASE;
END
$fn$;

CREATE OR REPLACE FUNCTION pg_catalog.from_varbyte(pg_catalog.varbyte, text) RETURNS varchar
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  b bytea := $1::bytea;
  acc text := '';
BEGIN
  CASE rk_internal.varbyte_format($2)
    WHEN 'hex' THEN RETURN pg_catalog.encode(b, 'hex');
    WHEN 'base64' THEN RETURN pg_catalog.replace(pg_catalog.encode(b, 'base64'), E'\\n', '');
    WHEN 'utf8' THEN RETURN pg_catalog.convert_from(b, 'UTF8');
    ELSE
      FOR i IN 0 .. pg_catalog.length(b) - 1 LOOP
        acc := acc || pg_catalog.get_byte(b, i)::bit(8)::text;
      END LOOP;
      RETURN acc;
  END CASE;
END
$fn$;
`
