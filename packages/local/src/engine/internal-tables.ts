/**
 * The gateway's own bookkeeping, kept in the engine so that Redshift's system views (created by the
 * compat schema over these tables) can be queried with plain SQL. The gateway is the only writer: it
 * keeps live state in memory and flushes it here (before any statement that reads a system view, and
 * in the background), so a client's statement never pays for the bookkeeping.
 *
 * Times are `timestamp` in UTC (Redshift's system tables use timestamp without time zone, UTC).
 */
export const INTERNAL_SCHEMA = 'rk_internal'

export const INTERNAL_TABLES_SQL = `
CREATE SCHEMA IF NOT EXISTS rk_internal;

-- One row per statement the gateway ran, from queueing to its end (upserted while running).
CREATE TABLE IF NOT EXISTS rk_internal.queries (
  query_id        bigint PRIMARY KEY,
  xid             bigint,
  pid             integer NOT NULL,
  user_id         integer NOT NULL,
  user_name       text NOT NULL,
  database_name   text NOT NULL,
  label           text NOT NULL,            -- the session's query_group, or 'default'
  query_type      text NOT NULL,            -- SELECT, INSERT, UPDATE, DELETE, COPY, UNLOAD, DDL, UTILITY, CTAS, COMMAND, OTHER
  status          text NOT NULL,            -- queued, running, success, failed, canceled
  service_class   integer NOT NULL,         -- WLM queue the statement was routed to
  queue_name      text NOT NULL,
  slot_count      integer NOT NULL DEFAULT 1,
  queue_start     timestamp NOT NULL,       -- when it was classified into its queue
  start_time      timestamp NOT NULL,       -- when it started running (== queue_start when it did not wait)
  end_time        timestamp,
  returned_rows   bigint NOT NULL DEFAULT 0,
  returned_bytes  bigint NOT NULL DEFAULT 0,
  rows_affected   bigint NOT NULL DEFAULT 0,
  error_message   text,
  query_text      text NOT NULL
);
CREATE INDEX IF NOT EXISTS queries_pid ON rk_internal.queries (pid, query_id);

-- One row per connection event, as stl_connection_log has them.
CREATE TABLE IF NOT EXISTS rk_internal.connection_log (
  event           text NOT NULL,            -- 'initiating session', 'authenticated', 'disconnecting session', 'authentication failure'
  recordtime      timestamp NOT NULL,
  remotehost      text NOT NULL,
  remoteport      text NOT NULL,
  pid             integer NOT NULL,
  dbname          text NOT NULL,
  username        text NOT NULL,
  authmethod      text NOT NULL,            -- 'password', 'md5', 'IAM' ...
  duration        bigint NOT NULL DEFAULT 0, -- microseconds, on 'disconnecting session'
  sslversion      text NOT NULL DEFAULT '',
  sslcipher       text NOT NULL DEFAULT '',
  application_name text NOT NULL DEFAULT ''
);

-- The WLM configuration the server was started with (one row per queue, in routing order).
CREATE TABLE IF NOT EXISTS rk_internal.wlm_queues (
  service_class          integer PRIMARY KEY,
  name                   text NOT NULL,
  query_groups           text[] NOT NULL,
  user_groups            text[] NOT NULL,
  slots                  integer NOT NULL,
  max_execution_time     bigint NOT NULL DEFAULT 0,   -- ms, 0 = none
  query_group_wild_card  boolean NOT NULL DEFAULT false,
  user_group_wild_card   boolean NOT NULL DEFAULT false
);

-- Live counters per queue (rewritten on each flush).
CREATE TABLE IF NOT EXISTS rk_internal.wlm_state (
  service_class          integer PRIMARY KEY,
  num_queued_queries     integer NOT NULL,
  num_executing_queries  integer NOT NULL,
  num_serviced_queries   integer NOT NULL,
  num_executed_queries   integer NOT NULL,
  num_evicted_queries    integer NOT NULL DEFAULT 0
);

-- Redshift table attributes that PostgreSQL has no place for (recorded after a CREATE TABLE succeeds).
CREATE TABLE IF NOT EXISTS rk_internal.table_attributes (
  schema_name   text NOT NULL,
  table_name    text NOT NULL,
  diststyle     text NOT NULL,              -- EVEN, KEY, ALL, AUTO(EVEN) ...
  distkey       text,                       -- column name
  sortkey_type  text,                       -- compound, interleaved
  sortkeys      text[] NOT NULL DEFAULT '{}',
  encodings     jsonb NOT NULL DEFAULT '{}', -- column name -> ENCODE value
  backup        boolean NOT NULL DEFAULT true,
  PRIMARY KEY (schema_name, table_name)
);
`
