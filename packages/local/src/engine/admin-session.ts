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

/** The statements of a shared superuser session: `query` only, run one at a time. */
export interface SerialSession {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>
}

/**
 * A session shared by concurrent callers (the gateway's bookkeeping, logins looking up roles, COPY
 * writing its system log), whose statements run one after another. `pg` queues overlapping
 * `client.query` calls itself, but deprecates doing so and says so on the host's stderr (a warning
 * in our users' test runs that they cannot act on); a failed statement does not stop the next one.
 *
 * @example
 * const admin = serialSession(await connectAdmin(engine.client('dev')))
 * await Promise.all([admin.query('SELECT 1'), admin.query('SELECT 2')]) // one after the other
 */
export function serialSession(client: pg.Client): SerialSession {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) {
      const run = tail.then(() => client.query<R>(text, values))
      tail = run.catch(() => undefined)
      return run
    },
  }
}
