import { visibleToCurrentUser } from './visibility-sql.js'

const VISIBLE = visibleToCurrentUser('r.user_name')

/**
 * Tables the COPY and UNLOAD executors write (one row per error, per file or per statement), in
 * `rk_internal` like the gateway's own, with Redshift's STL/SYS views over them. `user_name` is not
 * shown by the views: it carries the per-user visibility rule.
 */
export const LOAD_UNLOAD_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS rk_internal.load_errors (
  user_id         integer NOT NULL,
  user_name       text NOT NULL,
  query_id        bigint NOT NULL,
  transaction_id  bigint,
  session_id      integer NOT NULL,             -- the session's pid
  database_name   text NOT NULL,
  table_id        integer NOT NULL,             -- pg_class oid of the target table
  slice           integer NOT NULL DEFAULT 0,
  start_time      timestamp NOT NULL,
  file_name       text NOT NULL,                -- s3://bucket/key
  line_number     bigint NOT NULL,
  column_name     text NOT NULL DEFAULT '',
  column_type     text NOT NULL DEFAULT '',
  column_length   text NOT NULL DEFAULT '',
  position        integer NOT NULL DEFAULT 0,
  raw_line        text NOT NULL DEFAULT '',
  raw_field_value text NOT NULL DEFAULT '',
  error_code      integer NOT NULL,             -- 1200... (Redshift's load error codes)
  error_message   text NOT NULL,
  is_partial      integer NOT NULL DEFAULT 0,
  start_offset    bigint NOT NULL DEFAULT 0,
  copy_job_id     bigint NOT NULL DEFAULT 0
);

-- One row per file a COPY read.
CREATE TABLE IF NOT EXISTS rk_internal.load_commits (
  user_id        integer NOT NULL,
  user_name      text NOT NULL,
  query_id       bigint NOT NULL,
  slice          integer NOT NULL DEFAULT 0,
  name           text NOT NULL DEFAULT '',
  file_name      text NOT NULL,
  byte_offset    integer NOT NULL DEFAULT 0,
  lines_scanned  integer NOT NULL,
  errors         integer NOT NULL DEFAULT -1,   -- Redshift: -1 when no error occurred
  curtime        timestamp NOT NULL,
  status         integer NOT NULL DEFAULT 1,
  file_format    text NOT NULL,                 -- Text, JSON, Parquet, ...
  is_partial     integer NOT NULL DEFAULT 0,
  start_offset   bigint NOT NULL DEFAULT 0,
  copy_job_id    bigint NOT NULL DEFAULT 0
);

-- One row per COPY statement.
CREATE TABLE IF NOT EXISTS rk_internal.load_history (
  user_id            integer NOT NULL,
  user_name          text NOT NULL,
  query_id           bigint NOT NULL PRIMARY KEY,
  transaction_id     bigint,
  session_id         integer NOT NULL,
  database_name      text NOT NULL,
  status             text NOT NULL,           -- running, completed, aborted
  table_name         text NOT NULL,
  start_time         timestamp NOT NULL,
  end_time           timestamp,
  data_source        text NOT NULL,
  file_format        text NOT NULL,
  loaded_rows        bigint NOT NULL DEFAULT 0,
  loaded_bytes       bigint NOT NULL DEFAULT 0,
  source_file_count  integer NOT NULL DEFAULT 0,
  source_file_bytes  bigint NOT NULL DEFAULT 0,
  file_count_scanned integer NOT NULL DEFAULT 0,
  file_bytes_scanned bigint NOT NULL DEFAULT 0,
  error_count        bigint NOT NULL DEFAULT 0,
  copy_job_id        bigint NOT NULL DEFAULT 0
);

-- One row per file an UNLOAD wrote.
CREATE TABLE IF NOT EXISTS rk_internal.unload_log (
  user_id        integer NOT NULL,
  user_name      text NOT NULL,
  query_id       bigint NOT NULL,
  slice          integer NOT NULL DEFAULT 0,
  pid            integer NOT NULL,
  path           text NOT NULL,
  start_time     timestamp NOT NULL,
  end_time       timestamp NOT NULL,
  line_count     bigint NOT NULL,
  transfer_size  bigint NOT NULL,
  file_format    text NOT NULL                 -- Text, Parquet, JSON
);

-- One row per UNLOAD statement.
CREATE TABLE IF NOT EXISTS rk_internal.unload_history (
  user_id              integer NOT NULL,
  user_name            text NOT NULL,
  query_id             bigint NOT NULL PRIMARY KEY,
  transaction_id       bigint,
  session_id           integer NOT NULL,
  database_name        text NOT NULL,
  status               text NOT NULL,         -- running, completed, aborted
  start_time           timestamp NOT NULL,
  end_time             timestamp,
  file_format          text NOT NULL,
  compression_type     text NOT NULL DEFAULT '',
  unloaded_location    text NOT NULL,
  unloaded_rows        bigint NOT NULL DEFAULT 0,
  unloaded_files_count integer NOT NULL DEFAULT 0,
  unloaded_files_size  bigint NOT NULL DEFAULT 0,
  error_message        text
);
`

/** STL/SYS views of loads and unloads, typed as Redshift documents them. */
export const LOAD_UNLOAD_VIEWS_SQL = `
CREATE OR REPLACE VIEW pg_catalog.stl_load_errors AS
SELECT r.user_id AS userid, r.slice, r.table_id AS tbl, r.start_time AS starttime, r.session_id AS session,
  r.query_id::integer AS query, r.file_name::character(256) AS filename, r.line_number,
  r.column_name::character(127) AS colname, r.column_type::character(10) AS type,
  r.column_length::character(10) AS col_length, r.position,
  r.raw_line::character(1024) AS raw_line, r.raw_field_value::character(1024) AS raw_field_value,
  r.error_code AS err_code, r.error_message::character(100) AS err_reason,
  r.is_partial, r.start_offset, r.copy_job_id
FROM rk_internal.load_errors r
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.sys_load_error_detail AS
SELECT r.user_id, r.query_id, r.transaction_id, r.session_id,
  r.database_name::character(64) AS database_name, r.table_id, r.start_time,
  r.file_name::character(256) AS file_name, r.line_number,
  r.column_name::character(127) AS column_name, r.column_type::character(10) AS column_type,
  r.column_length::character(10) AS column_length, r.position, r.error_code,
  r.error_message::character(512) AS error_message
FROM rk_internal.load_errors r
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stl_load_commits AS
SELECT r.user_id AS userid, r.query_id::integer AS query, r.slice, r.name::character(256) AS name,
  r.file_name::character(256) AS filename, r.byte_offset, r.lines_scanned, r.errors, r.curtime, r.status,
  r.file_format::character(16) AS file_format, r.is_partial, r.start_offset, r.copy_job_id
FROM rk_internal.load_commits r
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.sys_load_history AS
SELECT r.user_id, r.query_id, r.transaction_id, r.session_id, r.database_name, r.status, r.table_name,
  r.start_time, r.end_time, rk_internal.micros(r.end_time - r.start_time) AS duration,
  r.data_source, r.file_format, r.loaded_rows, r.loaded_bytes, r.source_file_count, r.source_file_bytes,
  r.file_count_scanned, r.file_bytes_scanned, r.error_count, r.copy_job_id
FROM rk_internal.load_history r
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stl_unload_log AS
SELECT r.user_id AS userid, r.query_id::integer AS query, r.slice, r.pid, r.path::character(1280) AS path,
  r.start_time, r.end_time, r.line_count, r.transfer_size, r.file_format::character(10) AS file_format
FROM rk_internal.unload_log r
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.sys_unload_history AS
SELECT r.user_id, r.query_id, r.transaction_id, r.session_id, r.database_name, r.status,
  r.start_time, r.end_time, rk_internal.micros(r.end_time - r.start_time) AS duration,
  r.file_format, r.compression_type, r.unloaded_location, r.unloaded_rows, r.unloaded_files_count,
  r.unloaded_files_size, r.error_message
FROM rk_internal.unload_history r
WHERE ${VISIBLE};
`

/** The load/unload views, for GRANT and for tests. */
export const LOAD_UNLOAD_VIEW_NAMES = [
  'stl_load_errors',
  'sys_load_error_detail',
  'stl_load_commits',
  'sys_load_history',
  'stl_unload_log',
  'sys_unload_history',
] as const
