/** Types FNV_HASH takes besides strings, with the bytes of their value (big-endian: reversed before hashing). */
const BINARY_TYPES: ReadonlyArray<readonly [type: string, bytes: string]> = [
  ['smallint', 'pg_catalog.int2send($1)'],
  ['integer', 'pg_catalog.int4send($1)'],
  ['bigint', 'pg_catalog.int8send($1)'],
  ['real', 'pg_catalog.float4send($1)'],
  ['double precision', 'pg_catalog.float8send($1)'],
  ['date', 'pg_catalog.date_send($1)'],
  ['timestamp', 'pg_catalog.timestamp_send($1)'],
  ['timestamptz', 'pg_catalog.timestamptz_send($1)'],
]

/**
 * FNV_HASH(value [, seed]): 64-bit FNV-1a over the value's binary form, as Redshift documents it
 * (INTEGER hashes 4 bytes, BIGINT 8, strings their UTF-8 bytes with trailing spaces), the seed
 * replacing the offset basis, so `fnv_hash('cd', fnv_hash('ab')) = fnv_hash('abcd')`. Computed in
 * NUMERIC (PL/pgSQL has no wrapping 64-bit multiply); the engine's send functions give big-endian
 * bytes, reversed to the little-endian order Redshift hashes.
 */
export const FNV_HASH_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.fnv1a64(bytea, bigint) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h numeric := CASE WHEN $2 < 0 THEN $2::numeric + 18446744073709551616 ELSE $2 END;
  low integer; i integer;
BEGIN
  FOR i IN 0 .. pg_catalog.length($1) - 1 LOOP
    low := (h % 256)::integer;
    h := ((h - low + (low # pg_catalog.get_byte($1, i))) * 1099511628211) % 18446744073709551616;
  END LOOP;
  RETURN CASE WHEN h >= 9223372036854775808 THEN h - 18446744073709551616 ELSE h END::bigint;
END
$fn$;
CREATE OR REPLACE FUNCTION rk_internal.little_endian(bytea) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT pg_catalog.decode(pg_catalog.string_agg(pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.get_byte($1, i)), 2, '0'), '' ORDER BY i DESC), 'hex')
    FROM pg_catalog.generate_series(0, pg_catalog.length($1) - 1) AS i);
${BINARY_TYPES.map(
  ([
    type,
    bytes,
  ]) => `CREATE OR REPLACE FUNCTION pg_catalog.fnv_hash(${type}, bigint DEFAULT -3750763034362895579) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.fnv1a64(rk_internal.little_endian(${bytes}), $2);`,
).join('\n')}
CREATE OR REPLACE FUNCTION pg_catalog.fnv_hash(text, bigint DEFAULT -3750763034362895579) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.fnv1a64(pg_catalog.convert_to($1, 'UTF8'), $2);
CREATE OR REPLACE FUNCTION pg_catalog.fnv_hash(character, bigint DEFAULT -3750763034362895579) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.fnv1a64(pg_catalog.convert_to($1::text || pg_catalog.repeat(' ', pg_catalog.octet_length($1) - pg_catalog.octet_length($1::text)), 'UTF8'), $2);
CREATE OR REPLACE FUNCTION pg_catalog.fnv_hash(boolean, bigint DEFAULT -3750763034362895579) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.fnv1a64(pg_catalog.boolsend($1), $2);
`

/** MURMUR3_32_HASH's value as Iceberg hashes it: [type, bytes to hash]. Integers and dates are longs. */
const ICEBERG_TYPES: ReadonlyArray<readonly [type: string, bytes: string]> = [
  ['smallint', 'rk_internal.little_endian(pg_catalog.int8send($1::bigint))'],
  ['integer', 'rk_internal.little_endian(pg_catalog.int8send($1::bigint))'],
  ['bigint', 'rk_internal.little_endian(pg_catalog.int8send($1))'],
  ['real', 'rk_internal.little_endian(pg_catalog.float8send($1::double precision))'],
  ['double precision', 'rk_internal.little_endian(pg_catalog.float8send($1))'],
  ['date', "rk_internal.little_endian(pg_catalog.int8send(($1 - date '1970-01-01')::bigint))"],
  ['timestamp', 'rk_internal.little_endian(pg_catalog.int8send((EXTRACT(epoch FROM $1) * 1000000)::bigint))'],
  ['text', "pg_catalog.convert_to($1, 'UTF8')"],
  ['pg_catalog.varbyte', '$1::bytea'],
]

/**
 * MURMUR3_32_HASH(value [, seed]): Murmur3 x86 32-bit over the value's bytes as the Apache Iceberg
 * specification lays them out (integers as 8-byte little-endian longs, dates as days and timestamps
 * as microseconds since 1970, strings as UTF-8), which is what Redshift documents. 32-bit arithmetic
 * in BIGINT, multiplications split in 16-bit halves so that no product overflows.
 */
export const MURMUR3_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.mul32(bigint, bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (($1 * ($2 & 65535)) + ((($1 * ($2 >> 16)) & 65535) << 16)) & 4294967295;
CREATE OR REPLACE FUNCTION rk_internal.rotl32(bigint, integer) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN (($1 << $2) | ($1 >> (32 - $2))) & 4294967295;
CREATE OR REPLACE FUNCTION rk_internal.murmur3_32(bytea, integer) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h bigint := $2::bigint & 4294967295; k bigint; n integer := pg_catalog.length($1); i integer := 0;
BEGIN
  WHILE i + 4 <= n LOOP
    k := pg_catalog.get_byte($1, i)::bigint | (pg_catalog.get_byte($1, i + 1)::bigint << 8)
      | (pg_catalog.get_byte($1, i + 2)::bigint << 16) | (pg_catalog.get_byte($1, i + 3)::bigint << 24);
    k := rk_internal.mul32(rk_internal.rotl32(rk_internal.mul32(k, 3432918353), 15), 461845907);
    h := rk_internal.rotl32(h # k, 13);
    h := (rk_internal.mul32(h, 5) + 3864292196) & 4294967295;
    i := i + 4;
  END LOOP;
  IF i < n THEN
    k := 0;
    FOR j IN REVERSE n - 1 .. i LOOP k := (k << 8) | pg_catalog.get_byte($1, j); END LOOP;
    h := h # rk_internal.mul32(rk_internal.rotl32(rk_internal.mul32(k, 3432918353), 15), 461845907);
  END IF;
  h := h # n;
  h := rk_internal.mul32(h # (h >> 16), 2246822507);
  h := rk_internal.mul32(h # (h >> 13), 3266489909);
  h := h # (h >> 16);
  RETURN CASE WHEN h >= 2147483648 THEN h - 4294967296 ELSE h END::integer;
END
$fn$;
${ICEBERG_TYPES.map(
  ([
    type,
    bytes,
  ]) => `CREATE OR REPLACE FUNCTION pg_catalog.murmur3_32_hash(${type}, integer DEFAULT 0) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.murmur3_32(${bytes}, $2);`,
).join('\n')}
`
