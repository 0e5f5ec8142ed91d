/** How many path elements JSON_EXTRACT_PATH_TEXT takes before its null_if_invalid flag (Redshift: 5). */
const MAX_JSON_PATH = 5

/**
 * The null_if_invalid test, as a separate PL/pgSQL statement: in a CASE, the planner would still
 * constant-fold the parse of a literal in the branch not taken and raise its error.
 */
const nullIfInvalid = (flag: string) =>
  `IF ${flag} AND NOT pg_catalog.pg_input_is_valid($1, 'json') THEN RETURN NULL; END IF;`

function extractPathWithFlag(pathCount: number): string {
  const args = ['text', ...Array.from({ length: pathCount }, () => 'text'), 'boolean']
  const path = Array.from({ length: pathCount }, (_, i) => `$${i + 2}`).join(', ')
  const flag = `$${pathCount + 2}`
  return `CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(${args.join(', ')}) RETURNS varchar
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  ${nullIfInvalid(flag)}
  RETURN pg_catalog.json_extract_path_text($1, VARIADIC ARRAY[${path}]);
END
$fn$;`
}

/**
 * Redshift's JSON functions over VARCHAR holding JSON text, and the SUPER ones.
 *
 * They parse with PostgreSQL's `json` type, which keeps the original text of nested values (Redshift
 * returns a nested object as it was written). A path that is absent gives '' (documented); a JSON
 * null gives NULL. `null_if_invalid` is checked with `pg_input_is_valid`, so no exception handler
 * (and no subtransaction) runs per row.
 */
export const JSON_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(text, VARIADIC text[]) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN ($1::json #> $2) IS NULL THEN '' ELSE $1::json #>> $2 END;
${Array.from({ length: MAX_JSON_PATH }, (_, i) => extractPathWithFlag(i + 1)).join('\n')}

-- Zero-based; a negative or out-of-range index gives '' (documented).
CREATE OR REPLACE FUNCTION pg_catalog.json_extract_array_element_text(text, integer) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT CASE WHEN $2 < 0 OR e IS NULL THEN '' ELSE e #>> '{}' END FROM (SELECT $1::json -> $2 AS e) AS x);
CREATE OR REPLACE FUNCTION pg_catalog.json_extract_array_element_text(text, integer, boolean) RETURNS varchar
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  ${nullIfInvalid('$3')}
  RETURN pg_catalog.json_extract_array_element_text($1, $2);
END
$fn$;

CREATE OR REPLACE FUNCTION pg_catalog.json_array_length(text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.json_array_length($1::json);
CREATE OR REPLACE FUNCTION pg_catalog.json_array_length(text, boolean) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  ${nullIfInvalid('$2')}
  RETURN pg_catalog.json_array_length($1::json);
END
$fn$;

-- Redshift: IS_VALID_JSON is true only for an object; arrays are IS_VALID_JSON_ARRAY's. Valid JSON
-- whose first token is '{' is an object, so no parse (and no folded parse error) is needed.
CREATE OR REPLACE FUNCTION pg_catalog.is_valid_json(text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.pg_input_is_valid($1, 'json') AND pg_catalog.left(pg_catalog.ltrim($1, E' \t\n\r'), 1) = '{';
CREATE OR REPLACE FUNCTION pg_catalog.is_valid_json_array(text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.pg_input_is_valid($1, 'json') AND pg_catalog.left(pg_catalog.ltrim($1, E' \t\n\r'), 1) = '[';

CREATE OR REPLACE FUNCTION pg_catalog.json_parse(text) RETURNS pg_catalog.super
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $1::jsonb::pg_catalog.super;
CREATE OR REPLACE FUNCTION pg_catalog.can_json_parse(text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.pg_input_is_valid($1, 'jsonb');

-- PostgreSQL 17+ parses a bare JSON_SERIALIZE(...) as its SQL/JSON construct, which rejects SUPER:
-- the dialect must call this one qualified, as pg_catalog.json_serialize(...).
-- jsonb prints ', ' and ': ' between tokens; Redshift serialises compactly. The pattern consumes whole
-- string tokens first, so separators inside strings are left alone.
CREATE OR REPLACE FUNCTION pg_catalog.json_serialize(pg_catalog.super) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.regexp_replace($1::jsonb::text, '("(?:[^"\\\\]|\\\\.)*")|([,:]) ', '\\1\\2', 'g');
`
