import { ValidationError } from '../errors/client-errors.js'
import { QueryResult, type QueryResultInit } from '../query/query-result.js'

/** One planned outcome of a statement in `injectErrorSequence`: fail with an error, or succeed. */
export type InjectedResult =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'success'; readonly result: QueryResult }

/**
 * Makers of {@link InjectedResult}s.
 *
 * @example
 * mock.injectErrorSequence('SELECT 1', [
 *   InjectedResult.error(new ConnectionFailedError('timeout')),
 *   InjectedResult.success(QueryResult.singleValue(1)),
 * ])
 */
export const InjectedResult = Object.freeze({
  /** The statement fails with `error` (a `RedshiftError`, or anything the client then classifies). */
  error(error: unknown): InjectedResult {
    if (error === undefined || error === null) {
      throw new ValidationError('InjectedResult.error needs an error', {
        problems: [
          { field: 'error', message: 'pass the error to fail with, e.g. new ConnectionFailedError(...)' },
        ],
      })
    }
    return Object.freeze({ kind: 'error', error })
  },
  /** The statement succeeds with `result`. */
  success(result: QueryResult | QueryResultInit = {}): InjectedResult {
    return Object.freeze({
      kind: 'success',
      result: result instanceof QueryResult ? result : new QueryResult(result),
    })
  },
})
