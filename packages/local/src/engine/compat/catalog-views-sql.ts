import { CURRENT_USER_IS_SUPERUSER } from './visibility-sql.js'

/** Nominal node capacity (MB, a dc2.large slice pair) that svv_table_info.pct_used is relative to. */
const NOMINAL_CAPACITY_MB = 163840

/** Schemas that hold no user tables (svv_table_info) or belong to the emulator itself (svv_*). */
const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'rk_internal')`

/**
 * Redshift's catalog views over PostgreSQL's catalog plus `rk_internal.table_attributes` (DISTKEY,
 * SORTKEY and ENCODE, which PostgreSQL has no place for).
 *
 * Encodings not given in CREATE TABLE follow Redshift's ENCODE AUTO defaults: sort key columns and
 * BOOLEAN/REAL/DOUBLE/GEOMETRY/GEOGRAPHY are raw (shown as `none`), integers, DECIMAL, DATE and
 * TIMESTAMP(TZ) `az64`, CHAR/VARCHAR/VARBYTE `lzo`.
 */
export const CATALOG_VIEWS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.column_encoding(jsonb, text[], name, oid) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE
    WHEN pg_catalog.lower($1 ->> $3::text) IN ('raw', 'none') THEN 'none'
    WHEN $1 ->> $3::text IS NOT NULL THEN pg_catalog.lower($1 ->> $3::text)
    WHEN $3::text = ANY (coalesce($2, '{}')) THEN 'none'
    WHEN $4 IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype, 'date'::regtype,
                'timestamp'::regtype, 'timestamptz'::regtype) THEN 'az64'
    WHEN $4 IN ('bpchar'::regtype, 'varchar'::regtype, 'text'::regtype, 'pg_catalog.varbyte'::regtype) THEN 'lzo'
    ELSE 'none' END;

-- Compound sort key columns count 1, 2, 3...; interleaved ones alternate sign (documented): 1, -2, 3...
CREATE OR REPLACE FUNCTION rk_internal.sortkey_position(text, text[], name) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT CASE WHEN p IS NULL THEN 0
                      WHEN pg_catalog.lower($1) = 'interleaved' AND p % 2 = 0 THEN -p ELSE p END
          FROM (SELECT pg_catalog.array_position($2, $3::text) AS p) AS x);

-- Exact row counts for svv_table_info, with the caller's own rights (never SECURITY DEFINER: counting
-- runs the caller's objects, such as row-level security policies, and a view would run its functions);
-- NULL for what the caller may not read or what is not a table.
CREATE OR REPLACE FUNCTION rk_internal.table_rows(regclass) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $fn$
DECLARE n bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = $1 AND c.relkind IN ('r', 'p'))
     OR NOT pg_catalog.has_table_privilege($1, 'SELECT') THEN
    RETURN NULL;
  END IF;
  EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', $1) INTO n;
  RETURN n;
END
$fn$;

-- SHA1 / FUNC_SHA1 (VARCHAR(40) of hex): pgcrypto's digest, kept in rk_internal (a trusted extension,
-- nothing in it reaches the host). Not in the dialect's shared SQL: PGlite has no pgcrypto.
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA rk_internal;
CREATE OR REPLACE FUNCTION pg_catalog.func_sha1(text) RETURNS varchar(40)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog
  AS $fn$ SELECT pg_catalog.encode(rk_internal.digest(pg_catalog.convert_to($1, 'UTF8'), 'sha1'), 'hex')::varchar(40) $fn$;
CREATE OR REPLACE FUNCTION pg_catalog.sha1(text) RETURNS varchar(40)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog
  AS $fn$ SELECT pg_catalog.func_sha1($1) $fn$;

-- The recorded distribution, sort keys and encodings of the tables the caller may read, for SHOW TABLE
-- (the dialect's rk_internal.show_table reads it when present). Owned by the engine superuser, so it
-- reads the row-level-secured table; the filter runs as the caller.
CREATE OR REPLACE VIEW rk_internal.table_attributes_visible AS
SELECT c.oid AS table_oid, ta.diststyle, ta.distkey, ta.sortkey_type, ta.sortkeys, ta.encodings, ta.backup
FROM rk_internal.table_attributes ta
JOIN pg_catalog.pg_namespace n ON n.nspname = ta.schema_name
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = ta.table_name
WHERE pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_table_privilege(c.oid, 'SELECT')
   OR ${CURRENT_USER_IS_SUPERUSER};
GRANT SELECT ON rk_internal.table_attributes_visible TO PUBLIC;

-- Only tables on the search_path, like Redshift (whose docs list pg_catalog's tables through it).
CREATE OR REPLACE VIEW pg_catalog.pg_table_def AS
SELECT n.nspname AS schemaname, c.relname AS tablename, a.attname AS "column",
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
  rk_internal.column_encoding(ta.encodings, ta.sortkeys, a.attname, a.atttypid)::character(32) AS encoding,
  coalesce(ta.distkey = a.attname::text, false) AS distkey,
  rk_internal.sortkey_position(ta.sortkey_type, ta.sortkeys, a.attname) AS sortkey,
  a.attnotnull AS notnull
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN rk_internal.table_attributes ta ON ta.schema_name = n.nspname AND ta.table_name = c.relname
WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid);

-- Superusers only unless granted (documented), and empty tables are left out (documented).
CREATE OR REPLACE VIEW pg_catalog.svv_table_info AS
SELECT pg_catalog.current_database()::text AS database, t.schema, t.table_id, t."table",
  CASE WHEN t.encodings IS NULL OR t.encodings = '{}'::jsonb THEN 'Y, AUTO(ENCODE)'
       WHEN EXISTS (SELECT 1 FROM jsonb_each_text(t.encodings) e WHERE pg_catalog.lower(e.value) NOT IN ('raw', 'none'))
       THEN 'Y' ELSE 'N' END AS encoded,
  CASE WHEN t.diststyle IS NULL OR pg_catalog.upper(t.diststyle) = 'AUTO' THEN 'AUTO(EVEN)'
       WHEN pg_catalog.upper(t.diststyle) = 'KEY' THEN 'KEY(' || t.distkey || ')'
       ELSE pg_catalog.upper(t.diststyle) END AS diststyle,
  CASE WHEN t.sortkey_num = 0 THEN 'AUTO(SORTKEY)' ELSE t.sortkeys[1] END AS sortkey1,
  t.max_varchar,
  CASE WHEN t.sortkey_num = 0 THEN NULL
       ELSE rk_internal.column_encoding(t.encodings, t.sortkeys, t.sortkeys[1]::name,
              (SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.table_id AND a.attname = t.sortkeys[1]))
  END::character(32) AS sortkey1_enc,
  t.sortkey_num,
  t.size_mb AS size,
  round(t.size_mb * 100.0 / ${NOMINAL_CAPACITY_MB}, 4)::numeric(10,4) AS pct_used,
  0::bigint AS empty,
  CASE WHEN t.sortkey_num = 0 THEN NULL ELSE 0 END::numeric(5,2) AS unsorted,
  t.stats_off,
  t.tbl_rows::numeric(38,0) AS tbl_rows,
  CASE WHEN t.sortkey_num = 0 THEN NULL ELSE 1 END::numeric(19,2) AS skew_sortkey1,
  CASE WHEN pg_catalog.upper(coalesce(t.diststyle, '')) LIKE '%ALL%' THEN NULL ELSE 1 END::numeric(19,2) AS skew_rows,
  t.tbl_rows::numeric(38,0) AS estimated_visible_rows,
  NULL::text AS risk_event,
  CASE WHEN t.sortkey_num = 0 THEN NULL ELSE 0 END::numeric(12,2) AS vacuum_sort_benefit,
  NULL::timestamp AS create_time
FROM (
  SELECT c.oid AS table_id, n.nspname::text AS schema, c.relname::text AS "table",
    ta.encodings, ta.diststyle, ta.distkey, coalesce(ta.sortkeys, '{}') AS sortkeys,
    pg_catalog.cardinality(coalesce(ta.sortkeys, '{}')) AS sortkey_num,
    coalesce((SELECT max(a.atttypmod - 4) FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND a.atttypid = 'varchar'::regtype AND a.atttypmod > 4), 0)::integer AS max_varchar,
    pg_catalog.ceil(pg_catalog.pg_total_relation_size(c.oid) / 1048576.0)::bigint AS size_mb,
    CASE WHEN s.last_analyze IS NULL AND s.last_autoanalyze IS NULL THEN 100
         ELSE least(100, 100.0 * s.n_mod_since_analyze / greatest(s.n_live_tup, 1)) END::numeric(5,2) AS stats_off,
    rk_internal.table_rows(c.oid::regclass) AS tbl_rows
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
  LEFT JOIN rk_internal.table_attributes ta ON ta.schema_name = n.nspname AND ta.table_name = c.relname
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg\\_toast%'
) AS t
WHERE t.tbl_rows > 0;

CREATE OR REPLACE VIEW pg_catalog.svv_tables AS
SELECT t.table_catalog::text AS table_catalog, t.table_schema::text AS table_schema, t.table_name::text AS table_name,
  t.table_type::text AS table_type,
  pg_catalog.obj_description(pg_catalog.format('%I.%I', t.table_schema, t.table_name)::regclass, 'pg_class') AS remarks
FROM information_schema.tables t
WHERE t.table_schema::text <> 'rk_internal';

CREATE OR REPLACE VIEW pg_catalog.svv_columns AS
SELECT c.table_catalog::text AS table_catalog, c.table_schema::text AS table_schema, c.table_name::text AS table_name,
  c.column_name::text AS column_name, c.ordinal_position::integer AS ordinal_position,
  c.column_default::text AS column_default, c.is_nullable::text AS is_nullable,
  (CASE WHEN c.data_type::text = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END)::text AS data_type,
  c.character_maximum_length::integer AS character_maximum_length,
  c.numeric_precision::integer AS numeric_precision, c.numeric_precision_radix::integer AS numeric_precision_radix,
  c.numeric_scale::integer AS numeric_scale, c.datetime_precision::integer AS datetime_precision,
  c.interval_type::text AS interval_type, c.interval_precision::text AS interval_precision,
  c.character_set_catalog::text AS character_set_catalog, c.character_set_schema::text AS character_set_schema,
  c.character_set_name::text AS character_set_name, c.collation_catalog::text AS collation_catalog,
  c.collation_schema::text AS collation_schema, c.collation_name::text AS collation_name,
  c.domain_name::text AS domain_name,
  pg_catalog.col_description(pg_catalog.format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position::integer) AS remarks
FROM information_schema.columns c
WHERE c.table_schema::text <> 'rk_internal';

CREATE OR REPLACE VIEW pg_catalog.svv_all_tables AS
SELECT t.table_catalog AS database_name, t.table_schema AS schema_name, t.table_name, t.table_type,
  (SELECT c.relacl::text FROM pg_catalog.pg_class c
   WHERE c.oid = pg_catalog.format('%I.%I', t.table_schema, t.table_name)::regclass) AS table_acl,
  t.remarks
FROM pg_catalog.svv_tables t;

CREATE OR REPLACE VIEW pg_catalog.svv_all_columns AS
SELECT c.table_catalog AS database_name, c.table_schema AS schema_name, c.table_name, c.column_name,
  c.ordinal_position, c.column_default, c.is_nullable, c.data_type, c.character_maximum_length,
  c.numeric_precision, c.numeric_scale, c.remarks
FROM pg_catalog.svv_columns c;

CREATE OR REPLACE VIEW pg_catalog.svv_all_schemas AS
SELECT pg_catalog.current_database()::text AS database_name, n.nspname::text AS schema_name,
  n.nspowner::integer AS schema_owner, 'local'::text AS schema_type, pg_catalog.array_to_string(n.nspacl, '~') AS schema_acl,
  NULL::text AS source_database, NULL::text AS schema_option
FROM pg_catalog.pg_namespace n
WHERE n.nspname <> 'rk_internal' AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND pg_catalog.has_schema_privilege(n.oid, 'USAGE');

-- Redshift's pg_proc_info: pg_proc with the function's oid as prooid (prokind tells functions 'f' from
-- stored procedures 'p', which the drivers read).
CREATE OR REPLACE VIEW pg_catalog.pg_proc_info AS
SELECT p.oid AS prooid, p.* FROM pg_catalog.pg_proc p;

`

/** Catalog views every user may read. */
export const PUBLIC_CATALOG_VIEW_NAMES = [
  'pg_table_def',
  'svv_tables',
  'svv_columns',
  'svv_all_tables',
  'svv_all_columns',
  'svv_all_schemas',
  'pg_proc_info',
] as const

/** Catalog views Redshift shows to superusers only unless SELECT is granted. */
export const SUPERUSER_CATALOG_VIEW_NAMES = ['svv_table_info'] as const
