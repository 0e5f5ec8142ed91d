import { CURRENT_USER_IS_SUPERUSER, visibleToCurrentUser } from './visibility-sql.js'

/**
 * The local Spectrum's bookkeeping (a mirror of the external schemas and of the Glue catalog, rewritten
 * by the gateway after every change, and one row per external table a statement scanned) and
 * Redshift's views over it. The catalog (Glue) stays the truth: these tables are only what the views read.
 */
export const SPECTRUM_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS rk_internal.external_schemas (
  esoid bigint NOT NULL, schemaname text NOT NULL, esowner integer NOT NULL, owner_name text NOT NULL,
  databasename text NOT NULL, esoptions text NOT NULL, redshift_database_name text NOT NULL
);
CREATE TABLE IF NOT EXISTS rk_internal.external_databases (
  databasename text NOT NULL, location text, parameters text NOT NULL
);
CREATE TABLE IF NOT EXISTS rk_internal.external_tables (
  redshift_database_name text NOT NULL, schemaname text NOT NULL, tablename text NOT NULL,
  tabletype text NOT NULL, location text, input_format text, output_format text,
  serialization_lib text, serde_parameters text, compressed integer NOT NULL, parameters text
);
CREATE TABLE IF NOT EXISTS rk_internal.external_columns (
  redshift_database_name text NOT NULL, schemaname text NOT NULL, tablename text NOT NULL,
  columnname text NOT NULL, external_type text NOT NULL, columnnum integer NOT NULL,
  part_key integer NOT NULL, is_nullable text NOT NULL
);
CREATE TABLE IF NOT EXISTS rk_internal.external_partitions (
  schemaname text NOT NULL, tablename text NOT NULL, "values" text NOT NULL, location text,
  input_format text, output_format text, serialization_lib text, serde_parameters text,
  compressed integer NOT NULL, parameters text
);
-- One row per external table per statement that read it.
CREATE TABLE IF NOT EXISTS rk_internal.external_scans (
  query_id bigint NOT NULL, user_id integer NOT NULL, user_name text NOT NULL, pid integer NOT NULL,
  start_time timestamp NOT NULL, end_time timestamp NOT NULL, schemaname text NOT NULL,
  tablename text NOT NULL, file_format text NOT NULL, is_partitioned boolean NOT NULL,
  total_partitions integer NOT NULL, qualified_partitions integer NOT NULL, files integer NOT NULL,
  scanned_bytes bigint NOT NULL, scanned_rows bigint NOT NULL, loaded_files integer NOT NULL,
  location text NOT NULL
);
CREATE INDEX IF NOT EXISTS external_scans_query ON rk_internal.external_scans (query_id);
`

const VISIBLE = visibleToCurrentUser('s.user_name')

/** Redshift's Spectrum views: catalog views every user reads, and the per-query scan summaries. */
export const SPECTRUM_VIEWS_SQL = `
CREATE OR REPLACE VIEW pg_catalog.svv_external_schemas AS
SELECT s.esoid::oid AS esoid, 1::smallint AS eskind, s.schemaname::name AS schemaname,
  s.esowner, s.databasename, s.esoptions
FROM rk_internal.external_schemas s WHERE s.redshift_database_name = pg_catalog.current_database();
CREATE OR REPLACE VIEW pg_catalog.svv_external_databases AS
SELECT 1::smallint AS eskind, NULL::text AS esoptions, d.databasename, d.location, d.parameters
FROM rk_internal.external_databases d;
CREATE OR REPLACE VIEW pg_catalog.svv_external_tables AS
SELECT t.redshift_database_name, t.schemaname, t.tablename, t.tabletype, t.location, t.input_format,
  t.output_format, t.serialization_lib, t.serde_parameters, t.compressed, t.parameters
FROM rk_internal.external_tables t WHERE t.redshift_database_name = pg_catalog.current_database();
CREATE OR REPLACE VIEW pg_catalog.svv_external_columns AS
SELECT c.redshift_database_name, c.schemaname, c.tablename, c.columnname, c.external_type,
  c.columnnum, c.part_key, c.is_nullable
FROM rk_internal.external_columns c WHERE c.redshift_database_name = pg_catalog.current_database();
CREATE OR REPLACE VIEW pg_catalog.svv_external_partitions AS
SELECT p.schemaname, p.tablename, p."values", p.location, p.input_format, p.output_format,
  p.serialization_lib, p.serde_parameters, p.compressed, p.parameters
FROM rk_internal.external_partitions p;
CREATE OR REPLACE VIEW pg_catalog.svl_s3query_summary AS
SELECT s.user_id AS userid, s.query_id::integer AS query, 0::bigint AS xid, s.pid, 0 AS segment, 0 AS step,
  s.start_time AS starttime, s.end_time AS endtime,
  rk_internal.micros(s.end_time - s.start_time) AS elapsed, 0 AS aborted,
  (s.schemaname || '.' || s.tablename)::character(136) AS external_table_name,
  s.file_format::character(16) AS file_format, (CASE WHEN s.is_partitioned THEN 't' ELSE 'f' END)::character(1) AS is_partitioned,
  'f'::character(1) AS is_rrscan, 'f'::character(1) AS is_nested,
  s.scanned_rows AS s3_scanned_rows, s.scanned_bytes AS s3_scanned_bytes,
  s.scanned_rows AS s3query_returned_rows, s.scanned_bytes AS s3query_returned_bytes,
  s.files, s.files AS files_max, s.files::numeric AS files_avg,
  s.files AS splits, 1 AS splits_max, 1 AS splits_avg,
  s.scanned_bytes AS total_split_size, s.scanned_bytes AS max_split_size, s.scanned_bytes AS avg_split_size,
  0 AS total_retries, 0 AS max_retries, 0 AS max_request_duration, 0 AS avg_request_duration,
  0 AS max_request_parallelism, 0 AS avg_request_parallelism, 0 AS total_slowdown_count, 0 AS max_slowdown_count
FROM rk_internal.external_scans s WHERE ${VISIBLE};
CREATE OR REPLACE VIEW pg_catalog.sys_external_query_detail AS
SELECT s.user_id, s.query_id, 0 AS child_query_sequence, 0::bigint AS transaction_id, 0 AS segment_id,
  'S3'::character(32) AS source_type, s.start_time, s.end_time,
  rk_internal.micros(s.end_time - s.start_time) AS duration,
  s.total_partitions, s.qualified_partitions, s.files AS scanned_files,
  s.scanned_rows AS returned_rows, s.scanned_bytes AS returned_bytes,
  s.file_format::character(16) AS file_format, s.location::character(128) AS file_location,
  ''::character(4000) AS external_query_text, ''::character(4000) AS warning_message,
  (s.schemaname || '.' || s.tablename)::character(136) AS table_name
FROM rk_internal.external_scans s WHERE ${VISIBLE};

-- WLM's classification rules, one per routing condition, in routing order (superuser only, as on Redshift).
CREATE OR REPLACE VIEW pg_catalog.stv_wlm_classification_config AS
SELECT (row_number() OVER (ORDER BY r.service_class, r.ord))::integer AS id,
  r.condition::character(128) AS condition, 0 AS action_seq, 'assign'::character(64) AS action,
  r.service_class AS action_service_class
FROM (
  SELECT 5 AS service_class, 0 AS ord, '(super user) and (query group: superuser)' AS condition
  UNION ALL
  SELECT w.service_class, g.ord::integer, '(query group: ' || g.name || ')'
  FROM rk_internal.wlm_queues w, unnest(w.query_groups) WITH ORDINALITY AS g(name, ord)
  WHERE w.service_class > 5
  UNION ALL
  SELECT w.service_class, 1000 + g.ord::integer, '(user group: ' || g.name || ')'
  FROM rk_internal.wlm_queues w, unnest(w.user_groups) WITH ORDINALITY AS g(name, ord)
  WHERE w.service_class > 5
  UNION ALL
  SELECT max(w.service_class), 9999, '(querytype: any)' FROM rk_internal.wlm_queues w WHERE w.service_class > 5
) r
WHERE ${CURRENT_USER_IS_SUPERUSER};

-- Sessions, locks and open transactions, from the engine's own activity (the gateway's sessions are
-- its backends: the pid clients see is the backend pid).
CREATE OR REPLACE VIEW pg_catalog.stv_sessions AS
SELECT (a.backend_start AT TIME ZONE 'UTC') AS starttime, a.pid AS process,
  a.usename::character(50) AS user_name, a.datname::character(50) AS db_name,
  0::bigint AS timeout_sec, 'unknown'::character(16) AS timed_out
FROM pg_catalog.pg_stat_activity a
WHERE a.backend_type = 'client backend' AND a.usename IS NOT NULL AND a.application_name <> 'rk-internal'
  AND (a.usename = CURRENT_USER OR ${CURRENT_USER_IS_SUPERUSER});
CREATE OR REPLACE VIEW pg_catalog.stv_locks AS
SELECT l.relation::integer AS table_id, (a.xact_start AT TIME ZONE 'UTC') AS last_commit,
  (a.xact_start AT TIME ZONE 'UTC') AS last_update, NULL::bigint AS lock_owner,
  l.pid AS lock_owner_pid, (a.xact_start AT TIME ZONE 'UTC') AS lock_owner_start_ts,
  NULL::bigint AS lock_owner_end_ts, l.mode::character(22) AS lock_status
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.granted AND l.relation >= 16384 AND l.pid <> pg_catalog.pg_backend_pid()
  AND ${CURRENT_USER_IS_SUPERUSER};
CREATE OR REPLACE VIEW pg_catalog.svv_transactions AS
SELECT a.usename::text AS txn_owner, a.datname::text AS txn_db,
  coalesce(a.backend_xid::text::bigint, 0) AS xid, l.pid, (a.xact_start AT TIME ZONE 'UTC') AS txn_start,
  l.mode AS lock_mode, (CASE WHEN l.locktype = 'relation' THEN 'relation' ELSE 'transactionid' END)::text AS lockable_object_type,
  l.relation::integer AS relation, l.granted
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE a.xact_start IS NOT NULL AND l.pid <> pg_catalog.pg_backend_pid()
  AND (l.locktype = 'transactionid' OR (l.locktype = 'relation' AND l.relation >= 16384))
  AND (a.usename = CURRENT_USER OR ${CURRENT_USER_IS_SUPERUSER});
`

export const SPECTRUM_VIEW_NAMES = [
  'svv_external_schemas',
  'svv_external_databases',
  'svv_external_tables',
  'svv_external_columns',
  'svv_external_partitions',
  'svl_s3query_summary',
  'sys_external_query_detail',
  'stv_wlm_classification_config',
  'stv_sessions',
  'stv_locks',
  'svv_transactions',
] as const
