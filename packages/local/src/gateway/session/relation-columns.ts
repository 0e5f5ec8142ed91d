/**
 * The catalog lookup behind PIVOT / UNPIVOT over a plain table or view: the dialect names the
 * relations whose columns it needs (`needsColumns`), the gateway reads them from the catalog and
 * translates the statement again with them. Only such statements pay for the round trip.
 */
import type { TranslateContext } from '@redshift-kit/dialect'
import { type Prepared, prepareStatement } from './execution.js'
import type { SessionHost } from './session-host.js'

/**
 * `prepared` again with the columns it asked for, or undefined when it asked for none, the gateway has
 * no lookup, or the lookup failed (the first translation's error then stands).
 */
export async function withRelationColumns(
  host: SessionHost,
  text: string,
  prepared: Prepared,
  tctx: TranslateContext,
): Promise<Prepared | undefined> {
  const needs = prepared.translation?.needsColumns
  const lookup = host.ctx.relationColumns
  if (needs === undefined || lookup === undefined) return undefined
  const { user, database } = host.state.identity
  const known = await lookup(database, user, needs).catch(() => undefined)
  if (known === undefined) return undefined
  const relationColumns = (name: string) => known.get(name)
  return prepareStatement(
    host.ctx.dialect,
    text,
    { ...tctx, relationColumns },
    host.ctx.commandExecutor !== undefined,
  )
}
