import { REDSHIFT_BUILD } from '@redshift-kit/dialect'
import { CURRENT_USER_IS_SUPERUSER, NOW_UTC, visibleToCurrentUser } from './visibility-sql.js'

const VISIBLE = visibleToCurrentUser('q.user_name')
const DONE = `q.status IN ('success', 'failed', 'canceled')`
const LIVE = `q.status IN ('queued', 'running')`
/** STL_QUERY holds queries only; DDL and utility statements live in other STL tables on Redshift. */
const IS_QUERY = `q.query_type NOT IN ('DDL', 'UTILITY', 'COMMAND')`
/** Redshift sets aborted for cancels, including statement_timeout, which the gateway may log as failed. */
const ABORTED = `CASE WHEN q.status = 'canceled' OR (q.status = 'failed' AND q.error_message ~* 'cancel+ed') THEN 1 ELSE 0 END`
/** How many finished statements STV_RECENTS keeps besides the live ones. */
const RECENT_DONE = 100

/**
 * The superuser queue (service class 5) exists on every cluster; the gateway's WLM table may list only
 * user queues (6 and up), so the views add it when it is missing.
 */
const QUEUES = `(
  SELECT w.service_class, w.name, w.slots, w.max_execution_time, w.query_group_wild_card, w.user_group_wild_card
  FROM rk_internal.wlm_queues w
  UNION ALL
  SELECT 5, 'Superuser queue', 1, 0::bigint, false, false
  WHERE NOT EXISTS (SELECT 1 FROM rk_internal.wlm_queues WHERE service_class = 5)
)`

/**
 * Redshift's query-monitoring views over the gateway's `rk_internal.queries`, `wlm_*` and
 * `connection_log`. Column names and types follow the Redshift documentation; CHAR(n) columns are
 * blank-padded as on Redshift. Durations are microseconds unless the column is documented in seconds.
 * Values the local engine cannot know (CPU, blocks, skew, memory) are NULL rather than invented.
 */
export const QUERY_VIEWS_SQL = `
CREATE OR REPLACE VIEW pg_catalog.stl_query AS
SELECT q.user_id AS userid, q.query_id::integer AS query,
  rk_internal.query_label(q.label)::character(320) AS label,
  q.xid, q.pid, q.database_name::character(32) AS database,
  q.query_text::character(4000) AS querytxt, q.start_time AS starttime, q.end_time AS endtime,
  ${ABORTED} AS aborted, 0 AS insert_pristine, 0 AS concurrency_scaling_status
FROM rk_internal.queries q
WHERE ${DONE} AND ${IS_QUERY} AND ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.svl_qlog AS
SELECT q.user_id AS userid, q.query_id::integer AS query, q.xid, q.pid,
  q.start_time AS starttime, q.end_time AS endtime,
  rk_internal.micros(q.end_time - q.start_time) AS elapsed,
  ${ABORTED} AS aborted,
  rk_internal.query_label(q.label)::character(320) AS label,
  pg_catalog.left(q.query_text, 60)::character(60) AS substring,
  NULL::integer AS source_query, NULL::text AS concurrency_scaling_status_txt, 0 AS from_sp_call
FROM rk_internal.queries q
WHERE ${DONE} AND ${IS_QUERY} AND ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.sys_query_history AS
SELECT q.user_id, q.query_id,
  rk_internal.query_label(q.label)::character(320) AS query_label,
  q.xid AS transaction_id, q.pid AS session_id,
  q.database_name::character(128) AS database_name,
  q.query_type::character(32) AS query_type, q.status::character(10) AS status,
  false AS result_cache_hit,
  q.queue_start AS start_time, q.end_time,
  rk_internal.micros(coalesce(q.end_time, ${NOW_UTC}) - q.queue_start) AS elapsed_time,
  rk_internal.micros(CASE WHEN q.status = 'queued' THEN ${NOW_UTC} ELSE q.start_time END - q.queue_start) AS queue_time,
  CASE WHEN q.status = 'queued' THEN 0
       ELSE rk_internal.micros(coalesce(q.end_time, ${NOW_UTC}) - q.start_time) END AS execution_time,
  q.error_message::character(512) AS error_message,
  q.returned_rows, q.returned_bytes,
  q.query_text::character(4000) AS query_text,
  '${REDSHIFT_BUILD}'::character(256) AS redshift_version,
  NULL::character(150) AS usage_limit,
  'primary'::varchar(32) AS compute_type,
  0::bigint AS compile_time, 0::bigint AS planning_time, 0::bigint AS lock_wait_time,
  q.service_class AS service_class_id,
  q.queue_name::character(64) AS service_class_name,
  'n/a'::character(20) AS query_priority,
  'false'::character(10) AS short_query_accelerated
FROM rk_internal.queries q
WHERE ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stv_recents AS
SELECT q.user_id AS userid,
  (CASE WHEN ${LIVE} THEN 'Running' ELSE 'Done' END)::character(20) AS status,
  q.start_time AS starttime,
  rk_internal.micros(coalesce(q.end_time, ${NOW_UTC}) - q.start_time)::integer AS duration,
  q.user_name::character(50) AS user_name, q.database_name::character(50) AS db_name,
  q.query_text::character(600) AS query,
  CASE WHEN ${LIVE} THEN q.pid ELSE -1 END AS pid
FROM rk_internal.queries q
WHERE (${LIVE} OR q.query_id IN (
    SELECT d.query_id FROM rk_internal.queries d
    WHERE d.status IN ('success', 'failed', 'canceled') ORDER BY d.query_id DESC LIMIT ${RECENT_DONE}))
  AND ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stv_inflight AS
SELECT q.user_id AS userid, 0 AS slice, q.query_id::integer AS query,
  -- Blank, not 'default', when the session has no query group (documented for STV_INFLIGHT).
  (CASE WHEN rk_internal.query_label(q.label) = 'default' THEN '' ELSE q.label END)::character(320) AS label,
  q.xid, q.pid, q.start_time AS starttime,
  q.query_text::character(100) AS text,
  0 AS suspended, 0 AS insert_pristine, 0 AS concurrency_scaling_status
FROM rk_internal.queries q
WHERE q.status = 'running' AND ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stv_wlm_query_state AS
SELECT q.xid::integer AS xid, q.query_id::integer AS task, q.query_id::integer AS query,
  q.service_class, q.slot_count, q.queue_start AS wlm_start_time,
  (CASE q.status WHEN 'queued' THEN 'Queued' ELSE 'Running' END)::character(16) AS state,
  rk_internal.micros(CASE WHEN q.status = 'queued' THEN ${NOW_UTC} ELSE q.start_time END - q.queue_start) AS queue_time,
  CASE WHEN q.status = 'queued' THEN 0 ELSE rk_internal.micros(${NOW_UTC} - q.start_time) END AS exec_time,
  'n/a'::character(20) AS query_priority
FROM rk_internal.queries q
WHERE ${LIVE} AND ${VISIBLE};

CREATE OR REPLACE VIEW pg_catalog.stv_wlm_service_class_config AS
SELECT w.service_class, NULL::character(32) AS queueing_strategy,
  w.slots AS num_query_tasks, w.slots AS target_num_query_tasks,
  'false'::character(8) AS evictable, NULL::bigint AS eviction_threshold,
  NULL::integer AS query_working_mem, NULL::integer AS target_query_working_mem, NULL::integer AS min_step_mem,
  w.name::character(64) AS name, w.max_execution_time,
  w.user_group_wild_card, w.query_group_wild_card,
  'off'::character(20) AS concurrency_scaling, 'n/a'::character(20) AS query_priority,
  false AS user_role_wild_card
FROM ${QUEUES} w
WHERE ${CURRENT_USER_IS_SUPERUSER};

CREATE OR REPLACE VIEW pg_catalog.stv_wlm_service_class_state AS
SELECT w.service_class,
  coalesce(s.num_queued_queries, 0) AS num_queued_queries,
  coalesce(s.num_executing_queries, 0) AS num_executing_queries,
  coalesce(s.num_serviced_queries, 0) AS num_serviced_queries,
  coalesce(s.num_executed_queries, 0) AS num_executed_queries,
  coalesce(s.num_evicted_queries, 0) AS num_evicted_queries,
  0 AS num_concurrency_scaling_queries
FROM ${QUEUES} w
LEFT JOIN rk_internal.wlm_state s ON s.service_class = w.service_class
WHERE ${CURRENT_USER_IS_SUPERUSER};

CREATE OR REPLACE VIEW pg_catalog.svl_query_metrics_summary AS
SELECT q.user_id AS userid, q.query_id::integer AS query, q.service_class,
  NULL::bigint AS query_cpu_time, NULL::bigint AS query_blocks_read,
  (rk_internal.micros(q.end_time - q.start_time) / 1000000)::bigint AS query_execution_time,
  NULL::numeric(38,2) AS query_cpu_usage_percent, NULL::bigint AS query_temp_blocks_to_disk,
  NULL::bigint AS segment_execution_time, NULL::numeric(38,2) AS cpu_skew, NULL::numeric(38,2) AS io_skew,
  NULL::bigint AS scan_row_count, NULL::bigint AS join_row_count, NULL::bigint AS nested_loop_join_row_count,
  q.returned_rows AS return_row_count, NULL::bigint AS spectrum_scan_row_count, NULL::bigint AS spectrum_scan_size_mb,
  (rk_internal.micros(q.start_time - q.queue_start) / 1000000)::bigint AS query_queue_time,
  q.queue_name::character(64) AS service_class_name
FROM rk_internal.queries q
WHERE ${DONE} AND ${IS_QUERY} AND ${VISIBLE};

-- Superusers only, as on Redshift.
CREATE OR REPLACE VIEW pg_catalog.stl_connection_log AS
SELECT c.event::character(50) AS event, c.recordtime,
  c.remotehost::character(45) AS remotehost, c.remoteport::character(32) AS remoteport, c.pid,
  c.dbname::character(50) AS dbname, c.username::character(50) AS username,
  c.authmethod::character(32) AS authmethod, c.duration::integer AS duration,
  c.sslversion::character(50) AS sslversion, c.sslcipher::character(128) AS sslcipher,
  NULL::integer AS mtu, ''::character(64) AS sslcompression, ''::character(64) AS sslexpansion,
  ''::character(36) AS iamauthguid, c.application_name::character(250) AS application_name,
  ''::character(64) AS os_version, ''::character(64) AS driver_version, ''::character(32) AS plugin_name,
  0 AS protocol_version, ''::character(36) AS sessionid, ''::character(128) AS compression
FROM rk_internal.connection_log c
WHERE ${CURRENT_USER_IS_SUPERUSER};

-- Transactions Redshift's system undid. The engine rolls back in place and undoes nothing afterwards,
-- so there is never a row; the view is here so queries and tools that read it work.
CREATE OR REPLACE VIEW pg_catalog.stl_undone AS
SELECT NULL::integer AS userid, NULL::bigint AS xact_id, NULL::bigint AS xact_id_undone,
  NULL::timestamp AS undo_start_ts, NULL::timestamp AS undo_end_ts, NULL::bigint AS table_id
WHERE false;
`

/** The views above, for GRANT and for tests. */
export const QUERY_VIEW_NAMES = [
  'stl_query',
  'svl_qlog',
  'sys_query_history',
  'stv_recents',
  'stv_inflight',
  'stv_wlm_query_state',
  'stv_wlm_service_class_config',
  'stv_wlm_service_class_state',
  'svl_query_metrics_summary',
  'stl_connection_log',
  'stl_undone',
] as const
