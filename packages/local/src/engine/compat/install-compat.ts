import { createHash } from 'node:crypto'
import { REDSHIFT_FUNCTIONS_SQL } from '@redshift-kit/dialect'
import type pg from 'pg'
import { INTERNAL_TABLES_SQL } from '../internal-tables.js'
import {
  CATALOG_VIEWS_SQL,
  PUBLIC_CATALOG_VIEW_NAMES,
  SUPERUSER_CATALOG_VIEW_NAMES,
} from './catalog-views-sql.js'
import { LOAD_UNLOAD_TABLES_SQL, LOAD_UNLOAD_VIEW_NAMES, LOAD_UNLOAD_VIEWS_SQL } from './load-unload-sql.js'
import { DATABASE_GRANT_SQL, PRIVILEGES_SQL } from './privileges-sql.js'
import { QUERY_VIEW_NAMES, QUERY_VIEWS_SQL } from './query-views-sql.js'
import { SPATIAL_SQL } from './spatial-sql.js'
import { SPECTRUM_TABLES_SQL, SPECTRUM_VIEW_NAMES, SPECTRUM_VIEWS_SQL } from './spectrum-views-sql.js'
import { VIEW_HELPERS_SQL } from './visibility-sql.js'

/** Options of {@link installCompat}. */
export interface InstallCompatOptions {
  /** Run the whole script even when this version is already installed. @default false */
  readonly force?: boolean | undefined
}

/** The system views every user may SELECT from (their rows are filtered per user where Redshift does). */
export const PUBLIC_COMPAT_VIEWS: readonly string[] = [
  ...QUERY_VIEW_NAMES,
  ...LOAD_UNLOAD_VIEW_NAMES,
  ...PUBLIC_CATALOG_VIEW_NAMES,
  ...SPECTRUM_VIEW_NAMES,
]

const BODY = [
  INTERNAL_TABLES_SQL,
  LOAD_UNLOAD_TABLES_SQL,
  REDSHIFT_FUNCTIONS_SQL,
  SPATIAL_SQL,
  VIEW_HELPERS_SQL,
  QUERY_VIEWS_SQL,
  LOAD_UNLOAD_VIEWS_SQL,
  CATALOG_VIEWS_SQL,
  SPECTRUM_TABLES_SQL,
  SPECTRUM_VIEWS_SQL,
  PRIVILEGES_SQL,
].join('\n')

/** Names this exact script, so a kept data directory is upgraded when (and only when) it changes. */
const STAMP = `redshift-kit compat ${createHash('sha256').update(BODY).digest('hex').slice(0, 16)}`

/** Any fixed number: serialises two installs racing on one database. */
const INSTALL_LOCK_KEY = 7_264_823_117

const SCRIPT = `
BEGIN;
SELECT pg_catalog.pg_advisory_xact_lock(${INSTALL_LOCK_KEY});
SET LOCAL client_min_messages = warning;
-- Views may only be created in pg_catalog with this on; it lasts until COMMIT.
SET LOCAL allow_system_table_mods = on;
-- Only pg_catalog: a kept cluster's users may have planted look-alike functions or operators in public.
SET LOCAL search_path = pg_catalog;
-- As pg_dump restores: a function's string body is checked at its first call, not here, so a start
-- does not pay for parsing every body (RETURN bodies are still parsed: they are not strings).
SET LOCAL check_function_bodies = off;
${BODY}
-- Ordinary users call helpers in rk_internal through the pg_catalog functions and views; the
-- gateway's tables there stay unreadable to them (no table privilege is granted).
GRANT USAGE ON SCHEMA rk_internal TO PUBLIC;
GRANT SELECT ON ${PUBLIC_COMPAT_VIEWS.map((v) => `pg_catalog.${v}`).join(', ')} TO PUBLIC;
REVOKE ALL ON ${SUPERUSER_CATALOG_VIEW_NAMES.map((v) => `pg_catalog.${v}`).join(', ')} FROM PUBLIC;
COMMENT ON SCHEMA rk_internal IS '${STAMP}';
COMMIT;
`

/** The server's message, and the script line it points at (a bug in the script, not in the caller). */
function describeFailure(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause)
  const position = Number((cause as { position?: unknown }).position)
  if (!Number.isInteger(position) || position <= 0) return message
  const line = SCRIPT.slice(0, position).split('\n').length
  return `${message} (script line ${line}: ${SCRIPT.split('\n')[line - 1]?.trim()})`
}

/**
 * Makes the connected database answer like Redshift: creates the gateway's bookkeeping tables in
 * `rk_internal`, Redshift's types (SUPER, VARBYTE, GEOMETRY, GEOGRAPHY, HLLSKETCH), functions (NVL,
 * DECODE, GETDATE, DATEDIFF, JSON_EXTRACT_PATH_TEXT, ...) and system views (STL_QUERY,
 * SYS_QUERY_HISTORY, PG_TABLE_DEF, SVV_TABLE_INFO, ...), all in `pg_catalog` so that they resolve
 * whatever the search_path.
 *
 * Run it as the engine's superuser in every database clients use, at every start. It is idempotent,
 * and cheap when nothing changed: the schema comment records which version is installed, and the
 * script (one round trip, one transaction) only runs when it differs.
 *
 * @example
 * const c = engine.client('dev'); await c.connect()
 * await installCompat(c)
 * await c.query(`select nvl(null, 'x'), datediff('day', '2024-01-01', '2024-01-03')`) // x, 2
 * await c.end()
 */
export async function installCompat(client: pg.Client, options: InstallCompatOptions = {}): Promise<void> {
  if (options.force !== true) {
    const installed = await client.query<{ stamp: string | null }>(
      `SELECT pg_catalog.obj_description(n.oid, 'pg_namespace') AS stamp
       FROM pg_catalog.pg_namespace n WHERE n.nspname = 'rk_internal'`,
    )
    if (installed.rows[0]?.stamp === STAMP) {
      // A database copied from template1 has the schema but not this database-level grant.
      await client.query(DATABASE_GRANT_SQL)
      return
    }
  }
  try {
    await client.query(SCRIPT)
  } catch (cause) {
    // The simple-query batch stops at the error inside our explicit transaction; end it so the
    // caller gets a usable connection back.
    await client.query('ROLLBACK').catch(() => undefined)
    throw new Error(
      `installing the Redshift compat schema failed: ${describeFailure(cause)}; it must run as the engine's superuser`,
      { cause },
    )
  }
}
