import { type Problem, ValidationError } from '../errors/client-errors.js'
import { MAX_QUERY_GROUP_LENGTH, queryGroupProblem, timeoutProblem } from '../types/limits.js'
import { MAX_BIND_PARAMETERS, paramProblem } from '../types/param-serializer.js'
import type { QueryParam } from '../types/value.js'

export { MAX_QUERY_GROUP_LENGTH, queryGroupProblem, timeoutProblem }

/**
 * A statement ready to run: frozen, made by {@link QueryBuilder.build} (or {@link toQuery} from SQL).
 *
 * @example
 * const q: Query = new QueryBuilder('SELECT * FROM users WHERE id = $1').param(123n).build()
 * q.sql     // 'SELECT * FROM users WHERE id = $1'
 * q.params  // [123n]
 */
export interface Query {
  readonly sql: string
  /** Values of `$1`, `$2`, ... in order. */
  readonly params: readonly QueryParam[]
  /** Per-query timeout; overrides the client's `defaultTimeout`. 0 means no limit. */
  readonly timeoutMs?: number
  /** WLM query group (`SET query_group`) to run under. */
  readonly queryGroup?: string
  /** A label for logs, traces and metrics (never sent to the server). */
  readonly label?: string
}

/** What is wrong with `sql` as a statement, or `undefined`. */
export function sqlProblem(sql: unknown): Problem | undefined {
  if (typeof sql !== 'string') return { field: 'sql', message: `must be a string, got ${typeof sql}` }
  if (sql.trim() === '') return { field: 'sql', message: 'is empty' }
  return undefined
}

/**
 * Checks a whole query at once and freezes it; throws one {@link ValidationError} listing every problem.
 *
 * @example
 * createQuery({ sql: 'SELECT $1', params: [1] })
 */
export function createQuery(init: Query): Query {
  const problems: Problem[] = []
  const add = (p: Problem | undefined) => {
    if (p !== undefined) problems.push(p)
  }
  add(sqlProblem(init.sql))
  if (init.params.length > MAX_BIND_PARAMETERS) {
    add({
      field: 'params',
      message: `has ${init.params.length} values; a statement takes at most ${MAX_BIND_PARAMETERS} bind parameters. Split the work into batches, or load the data with COPY`,
    })
  }
  init.params.forEach((p, i) => {
    add(paramProblem(p, i + 1))
  })
  if (init.timeoutMs !== undefined) add(timeoutProblem('timeoutMs', init.timeoutMs))
  if (init.queryGroup !== undefined) add(queryGroupProblem('queryGroup', init.queryGroup))
  if (init.label !== undefined && (typeof init.label !== 'string' || init.label === '')) {
    add({ field: 'label', message: 'must be a non-empty string' })
  }
  if (problems.length > 0) throw new ValidationError('invalid query', { problems })
  return Object.freeze({
    sql: init.sql,
    params: Object.freeze([...init.params]),
    ...(init.timeoutMs === undefined ? {} : { timeoutMs: init.timeoutMs }),
    ...(init.queryGroup === undefined ? {} : { queryGroup: init.queryGroup }),
    ...(init.label === undefined ? {} : { label: init.label }),
  })
}

/**
 * A {@link Query} from either a Query or plain SQL (what `executeQuery` accepts).
 *
 * @example
 * toQuery('SELECT 1') // { sql: 'SELECT 1', params: [] }
 */
export function toQuery(input: Query | string): Query {
  if (typeof input === 'string') return createQuery({ sql: input, params: [] })
  return Object.isFrozen(input) && Object.isFrozen(input.params) ? input : createQuery(input)
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g

/**
 * The SQL a query is sent as: with its label, when it has one, as a leading comment
 * (`/* label: user-lookup *\/ SELECT ...`), so the label shows wherever the server records the
 * statement's text (STL_QUERY.querytxt, SYS_QUERY_HISTORY.query_text, the local query log).
 *
 * @example
 * sqlToSend(createQuery({ sql: 'SELECT 1', params: [], label: 'ping' })) // '/* label: ping *\/ SELECT 1'
 */
export function sqlToSend(query: Pick<Query, 'sql' | 'label'>): string {
  if (query.label === undefined) return query.sql
  // The label cannot end the comment early, nor carry control characters into the log.
  const safe = query.label.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *').replace(CONTROL_CHARACTERS, ' ')
  return `/* label: ${safe} */ ${query.sql}`
}
