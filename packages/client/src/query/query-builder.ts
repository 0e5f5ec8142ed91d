import { type Problem, ValidationError } from '../errors/client-errors.js'
import { expandInLists, type InListParam, isInListParam } from '../types/in-list.js'
import { MAX_BIND_PARAMETERS, paramProblem } from '../types/param-serializer.js'
import type { QueryParam } from '../types/value.js'
import { createQuery, type Query, queryGroupProblem, sqlProblem, timeoutProblem } from './query.js'

interface BuilderState {
  readonly sql: string
  readonly params: readonly (QueryParam | InListParam)[]
  readonly timeoutMs?: number
  readonly queryGroup?: string
  readonly label?: string
}

function check(problem: Problem | undefined): void {
  if (problem !== undefined) throw new ValidationError('invalid query', { problems: [problem] })
}

/**
 * Builds a {@link Query}. Immutable: every call returns a new builder, so a partly built query can be
 * shared and extended safely. Bad values throw a {@link ValidationError} at the call that gave them.
 *
 * @example
 * const base = new QueryBuilder('SELECT * FROM users WHERE id = $1 AND status = $2')
 * const query = base.param(123n).param('active')
 *   .queryGroup('analytics').label('user-lookup').timeout(30_000)
 *   .build()   // { sql, params: [123n, 'active'], timeoutMs: 30000, queryGroup: 'analytics', label: 'user-lookup' }
 */
export class QueryBuilder {
  // Replaced only by #with, on the fresh builder it returns.
  #state: BuilderState

  constructor(sql: string) {
    check(sqlProblem(sql))
    this.#state = Object.freeze({ sql, params: Object.freeze([]) })
  }

  /**
   * A builder holding an existing query, to derive variants from it.
   *
   * @example
   * QueryBuilder.from(query).timeout(5_000).build()
   */
  static from(query: Query): QueryBuilder {
    return new QueryBuilder(query.sql).#with({
      params: Object.freeze([...query.params]),
      ...(query.timeoutMs === undefined ? {} : { timeoutMs: query.timeoutMs }),
      ...(query.queryGroup === undefined ? {} : { queryGroup: query.queryGroup }),
      ...(query.label === undefined ? {} : { label: query.label }),
    })
  }

  /**
   * The next parameter (`$1`, then `$2`, ...). Arrays and plain objects are refused: see `json()`,
   * and `inList()` for the values of an `IN (...)`.
   */
  param(value: QueryParam | InListParam): QueryBuilder {
    if (!isInListParam(value)) check(paramProblem(value, this.#state.params.length + 1))
    return this.#with({ params: Object.freeze([...this.#state.params, value]) })
  }

  /** Several parameters, in order (the list is the parameters, not one array parameter). */
  params(values: readonly QueryParam[]): QueryBuilder {
    const start = this.#state.params.length
    const problems = values.flatMap((v, i) => paramProblem(v, start + i + 1) ?? [])
    if (problems.length > 0) throw new ValidationError('invalid query', { problems })
    return this.#with({ params: Object.freeze([...this.#state.params, ...values]) })
  }

  /** The query's timeout in milliseconds (0: no limit), overriding the client's default. */
  timeout(ms: number): QueryBuilder {
    check(timeoutProblem('timeout', ms))
    return this.#with({ timeoutMs: ms })
  }

  /** The WLM query group to run under (`SET query_group TO ...` before the statement). */
  queryGroup(group: string): QueryBuilder {
    check(queryGroupProblem('queryGroup', group))
    return this.#with({ queryGroup: group })
  }

  /** A label for logs, traces and metrics. */
  label(label: string): QueryBuilder {
    check(
      typeof label === 'string' && label !== ''
        ? undefined
        : { field: 'label', message: 'must be a non-empty string' },
    )
    return this.#with({ label })
  }

  /**
   * The frozen {@link Query}, `inList` parameters expanded into placeholders. Throws
   * {@link ValidationError} past 32,767 parameters, unless an `inList` is what passes them: the query
   * then keeps it whole, for `executeQuery` to stage in a temporary table.
   */
  build(): Query {
    const { sql, params, expanded } = expandInLists(this.#state.sql, this.#state.params, MAX_BIND_PARAMETERS)
    return createQuery({
      ...this.#state,
      sql,
      params: (expanded ? params : this.#state.params) as QueryParam[],
    })
  }

  #with(change: Partial<BuilderState>): QueryBuilder {
    const next = new QueryBuilder(this.#state.sql)
    next.#state = Object.freeze({ ...this.#state, ...change })
    return next
  }
}
