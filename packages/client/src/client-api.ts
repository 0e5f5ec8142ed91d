import type { RedshiftClient } from './client.js'

/**
 * Everything a {@link RedshiftClient} offers, as a type: the real client and the simulation kit's
 * `MockRedshiftClient` (and a client replaying a recording) all have it, so application code that
 * takes a `RedshiftClientApi` runs unchanged in production and in tests. It follows the client
 * class member for member (a type test checks that both clients satisfy it).
 *
 * @example
 * export async function totalSales(redshift: RedshiftClientApi): Promise<bigint> {
 *   const r = await redshift.executeQuery('SELECT SUM(amount) AS total FROM sales')
 *   return r.rows[0]?.get('total') as bigint
 * }
 * await totalSales(createClient(config))          // production
 * await totalSales(new MockRedshiftClient())      // tests
 */
export type RedshiftClientApi = { readonly [K in keyof RedshiftClient]: RedshiftClient[K] }
