/**
 * Redshift functions from a pass over the AWS SQL function reference that PostgreSQL lacks or names
 * differently: date functions (ADD_MONTHS, LAST_DAY, NEXT_DAY, DATE_PART_YEAR, the *_CMP family),
 * string functions (REPLICATE, SHA2, CRC32) and the MEDIAN aggregate (also usable as a window function).
 */

const CMP = (name: string, a: string, b: string) =>
  `CREATE OR REPLACE FUNCTION pg_catalog.${name}(${a}, ${b}) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END;`

const MEDIAN = (type: string) => `
CREATE OR REPLACE FUNCTION rk_internal.median_final(${type}[]) RETURNS ${type}
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT (pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY v::double precision))::${type}
          FROM pg_catalog.unnest($1) AS v);
CREATE OR REPLACE AGGREGATE pg_catalog.median(${type}) (
  SFUNC = pg_catalog.array_append, STYPE = ${type}[], FINALFUNC = rk_internal.median_final, INITCOND = '{}');`

export const MORE_FUNCTIONS_SQL = `
-- ADD_MONTHS: the last day of a month stays the last day of the resulting month (documented).
CREATE OR REPLACE FUNCTION pg_catalog.add_months(timestamp, bigint) RETURNS timestamp
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN $1::date = (pg_catalog.date_trunc('month', $1) + interval '1 month' - interval '1 day')::date
    THEN (pg_catalog.date_trunc('month', $1 + pg_catalog.make_interval(months => $2::integer)) + interval '1 month' - interval '1 day')::date
         + ($1 - pg_catalog.date_trunc('day', $1))
    ELSE $1 + pg_catalog.make_interval(months => $2::integer) END;
CREATE OR REPLACE FUNCTION pg_catalog.add_months(date, bigint) RETURNS timestamp
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.add_months($1::timestamp, $2);
CREATE OR REPLACE FUNCTION pg_catalog.add_months(timestamptz, bigint) RETURNS timestamp
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN pg_catalog.add_months($1::timestamp, $2);

CREATE OR REPLACE FUNCTION pg_catalog.last_day(timestamp) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (pg_catalog.date_trunc('month', $1) + interval '1 month' - interval '1 day')::date;
CREATE OR REPLACE FUNCTION pg_catalog.last_day(date) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.last_day($1::timestamp);

-- NEXT_DAY: the first date after $1 falling on the named weekday (names and abbreviations, any case).
CREATE OR REPLACE FUNCTION pg_catalog.next_day(timestamp, text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  d text := pg_catalog.lower(pg_catalog.btrim($2));
  target integer;
BEGIN
  target := CASE
    WHEN d IN ('su', 'sun', 'sunday') THEN 0 WHEN d IN ('m', 'mo', 'mon', 'monday') THEN 1
    WHEN d IN ('tu', 'tue', 'tues', 'tuesday') THEN 2 WHEN d IN ('w', 'we', 'wed', 'wednesday') THEN 3
    WHEN d IN ('th', 'thu', 'thurs', 'thursday') THEN 4 WHEN d IN ('f', 'fr', 'fri', 'friday') THEN 5
    WHEN d IN ('sa', 'sat', 'saturday') THEN 6 END;
  IF target IS NULL THEN
    RAISE EXCEPTION 'Invalid day of the week "%"', $2 USING ERRCODE = '22023';
  END IF;
  RETURN $1::date + (((target - pg_catalog.date_part('dow', $1)::integer + 6) % 7) + 1);
END
$fn$;
CREATE OR REPLACE FUNCTION pg_catalog.next_day(date, text) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.next_day($1::timestamp, $2);

CREATE OR REPLACE FUNCTION pg_catalog.date_part_year(date) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.date_part('year', $1)::integer;

${CMP('date_cmp', 'date', 'date')}
${CMP('date_cmp_timestamp', 'date', 'timestamp')}
${CMP('date_cmp_timestamptz', 'date', 'timestamptz')}
${CMP('timestamp_cmp', 'timestamp', 'timestamp')}
${CMP('timestamp_cmp_date', 'timestamp', 'date')}
${CMP('timestamp_cmp_timestamptz', 'timestamp', 'timestamptz')}
${CMP('timestamptz_cmp', 'timestamptz', 'timestamptz')}
${CMP('timestamptz_cmp_date', 'timestamptz', 'date')}
${CMP('timestamptz_cmp_timestamp', 'timestamptz', 'timestamp')}
${CMP('interval_cmp', 'interval', 'interval')}

CREATE OR REPLACE FUNCTION pg_catalog.replicate(text, integer) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.repeat($1, $2);

-- SHA2(string, bits): bits 0 means 256; another length gives NULL.
CREATE OR REPLACE FUNCTION pg_catalog.sha2(text, integer) RETURNS varchar
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.encode(CASE $2
    WHEN 0 THEN pg_catalog.sha256(pg_catalog.convert_to($1, 'UTF8'))
    WHEN 224 THEN pg_catalog.sha224(pg_catalog.convert_to($1, 'UTF8'))
    WHEN 256 THEN pg_catalog.sha256(pg_catalog.convert_to($1, 'UTF8'))
    WHEN 384 THEN pg_catalog.sha384(pg_catalog.convert_to($1, 'UTF8'))
    WHEN 512 THEN pg_catalog.sha512(pg_catalog.convert_to($1, 'UTF8')) END, 'hex');

-- CRC32 is CRC-32C (Castagnoli), as 8 hex digits (documented: CRC32('Amazon Redshift') = f2726906).
CREATE OR REPLACE FUNCTION pg_catalog.crc32(text) RETURNS varchar
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  bytes bytea := pg_catalog.convert_to($1, 'UTF8');
  crc bigint := 4294967295;
BEGIN
  FOR i IN 0 .. pg_catalog.length(bytes) - 1 LOOP
    crc := crc # pg_catalog.get_byte(bytes, i);
    FOR b IN 1 .. 8 LOOP
      crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 2197175160 ELSE crc >> 1 END;
    END LOOP;
  END LOOP;
  RETURN pg_catalog.lpad(pg_catalog.to_hex(crc # 4294967295), 8, '0');
END
$fn$;

${MEDIAN('numeric')}
${MEDIAN('double precision')}
-- Integer inputs give DECIMAL, as on Redshift (without these, PostgreSQL would pick the float8 one).
CREATE OR REPLACE FUNCTION rk_internal.median_final_int(bigint[]) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY v)::numeric FROM pg_catalog.unnest($1) AS v);
CREATE OR REPLACE AGGREGATE pg_catalog.median(bigint) (
  SFUNC = pg_catalog.array_append, STYPE = bigint[], FINALFUNC = rk_internal.median_final_int, INITCOND = '{}');
CREATE OR REPLACE FUNCTION rk_internal.median_accum_int(bigint[], integer) RETURNS bigint[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.array_append($1, $2::bigint);
CREATE OR REPLACE AGGREGATE pg_catalog.median(integer) (
  SFUNC = rk_internal.median_accum_int, STYPE = bigint[], FINALFUNC = rk_internal.median_final_int, INITCOND = '{}');
CREATE OR REPLACE FUNCTION rk_internal.median_accum_int(bigint[], smallint) RETURNS bigint[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.array_append($1, $2::bigint);
CREATE OR REPLACE AGGREGATE pg_catalog.median(smallint) (
  SFUNC = rk_internal.median_accum_int, STYPE = bigint[], FINALFUNC = rk_internal.median_final_int, INITCOND = '{}');
`
