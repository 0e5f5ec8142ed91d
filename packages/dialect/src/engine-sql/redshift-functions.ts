import { AGGREGATES_SQL } from './aggregates-sql.js'
import { DATETIME_FUNCTIONS_SQL } from './datetime-functions-sql.js'
import { FNV_HASH_SQL, MURMUR3_SQL } from './fnv-hash-sql.js'
import { HLL_FUNCTIONS_SQL } from './hll-functions-sql.js'
import { JSON_FUNCTIONS_SQL } from './json-functions-sql.js'
import { MORE_FUNCTIONS_SQL } from './more-functions-sql.js'
import { PERCENTILE_FUNCTIONS_SQL } from './percentile-functions-sql.js'
import { SCALAR_FUNCTIONS_SQL } from './scalar-functions-sql.js'
import { SHOW_COMMANDS_SQL } from './show-commands-sql.js'
import { SHOW_OBJECTS_SQL } from './show-objects-sql.js'
import { STRING_HASH_FUNCTIONS_SQL } from './string-hash-functions-sql.js'
import { SUPER_FUNCTIONS_SQL } from './super-functions-sql.js'
import { SUPER_OPERATORS_SQL } from './super-operators-sql.js'
import { REDSHIFT_TYPES_SQL } from './types-sql.js'
import { VARBYTE_FUNCTIONS_SQL } from './varbyte-functions-sql.js'

/**
 * Redshift's types (SUPER, VARBYTE, GEOMETRY, GEOGRAPHY, HLLSKETCH) and functions (NVL, DECODE, LEN,
 * GETDATE, DATEADD, DATEDIFF, JSON_PARSE, ...) as PostgreSQL DDL, created in `pg_catalog` (and helpers
 * in `rk_internal`) so they resolve whatever the search_path. The SQL {@link translateStatement}
 * produces calls them: an engine that runs translated SQL must have this installed.
 *
 * Run it once per database as a superuser, inside one transaction, with `search_path` set to
 * `pg_catalog, public`. It is idempotent (CREATE OR REPLACE, guarded type creation). It needs only
 * core PostgreSQL 15+ with PL/pgSQL: it runs on a server and on PGlite alike.
 *
 * @example
 * await db.exec(`BEGIN; SET LOCAL search_path = pg_catalog, public; ${REDSHIFT_FUNCTIONS_SQL} COMMIT;`)
 * await db.query(`select nvl(null, 'x'), dateadd('day', 1, '2024-01-01'::date)`)
 */
export const REDSHIFT_FUNCTIONS_SQL: string = [
  'CREATE SCHEMA IF NOT EXISTS rk_internal;',
  REDSHIFT_TYPES_SQL,
  SCALAR_FUNCTIONS_SQL,
  JSON_FUNCTIONS_SQL,
  SUPER_OPERATORS_SQL,
  SUPER_FUNCTIONS_SQL,
  DATETIME_FUNCTIONS_SQL,
  VARBYTE_FUNCTIONS_SQL,
  SHOW_COMMANDS_SQL,
  SHOW_OBJECTS_SQL,
  MORE_FUNCTIONS_SQL,
  HLL_FUNCTIONS_SQL,
  PERCENTILE_FUNCTIONS_SQL,
  STRING_HASH_FUNCTIONS_SQL,
  FNV_HASH_SQL,
  MURMUR3_SQL,
  AGGREGATES_SQL,
].join('\n')
