import type pg from 'pg'

/**
 * The search_path of every session that runs as the engine superuser. Only pg_catalog: `public` is
 * writable by every Redshift user, and a look-alike function or operator there (say `public./(float8,
 * integer)`, an exact match where pg_catalog's needs a cast) would otherwise run with the engine's
 * superuser rights inside the gateway's own statements. The temporary schema is never searched for
 * functions or operators.
 */
export const ADMIN_SEARCH_PATH = 'pg_catalog'

/**
 * Connects `client`, a connection as the engine superuser, and pins its search_path to
 * {@link ADMIN_SEARCH_PATH}; internal SQL names every non-catalog object with its schema.
 *
 * @example
 * const admin = await connectAdmin(engine.client('dev'))
 * await admin.query('SELECT count(*) FROM rk_internal.queries')
 */
export async function connectAdmin(client: pg.Client): Promise<pg.Client> {
  await client.connect()
  await client.query(`SET search_path = ${ADMIN_SEARCH_PATH}`)
  return client
}
