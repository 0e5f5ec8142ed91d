/**
 * Keeps the engine's `pg_last_query_id()` right for named prepared statements. An unnamed statement
 * gets the session's last query id written into its text when it is parsed; a named one runs again
 * later, so it calls the engine's function instead, which reads the setting `rk.last_query_id`, and
 * the gateway sets that setting just before each of its runs, in the same batch.
 */
import { buildBind, buildClose, buildExecute, buildParse } from '../protocol/frontend.js'
import type { ResponseRouter } from './responses.js'

/** The gateway's own statement and portal names: the client's are left alone. */
const NAME = 'rk_gateway_last_query_id'
const SET_SQL = "SELECT pg_catalog.set_config('rk.last_query_id', $1, false)"
const NO_TYPES = Buffer.alloc(2)
const CLOSE_PORTAL = buildClose('P', NAME)
const CLOSE_STATEMENT = buildClose('S', NAME)
const PARSE = buildParse(NAME, SET_SQL, NO_TYPES)
const EXECUTE = buildExecute(NAME, 0)

/**
 * Sends (through `send`) the messages that set `rk.last_query_id` to `lastQueryId`, right before the
 * client's Execute, and expects their answers, none of which reaches the client but an error. The
 * statement and portal are closed first (closing what does not exist is no error), so a failed earlier
 * attempt leaves nothing in the way. In a failed transaction the Parse fails with 25P02, which the
 * client sees as its statement's error: the statement would have failed with just that.
 */
export function setLastQueryId(
  lastQueryId: number,
  send: (frame: Buffer) => void,
  router: ResponseRouter,
): void {
  send(CLOSE_PORTAL)
  send(CLOSE_STATEMENT)
  send(PARSE)
  send(buildBind(NAME, NAME, [String(lastQueryId)]))
  send(EXECUTE)
  router.expect({ kind: 'close', hidden: true })
  router.expect({ kind: 'close', hidden: true })
  router.expect({ kind: 'parse', hidden: true })
  router.expect({ kind: 'bind', hidden: true })
  router.expect({ kind: 'hidden' })
}
