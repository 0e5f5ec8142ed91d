import { ValidationError } from '../errors/client-errors.js'

/**
 * The id of a query, as text. Redshift's own ids are integers (`pg_last_query_id()`, STL_QUERY.query,
 * SYS_QUERY_HISTORY.query_id), the Data API's are UUIDs (`…:2` for a batch member), and mocks use
 * any label (`'test-123'`): a string holds all of them exactly and compares with `===`.
 * The empty string means the transport could not tell.
 */
export type QueryId = string

/**
 * Helpers to make and read {@link QueryId}s.
 *
 * @example
 * const id = QueryId.new('test-123')   // 'test-123'
 * QueryId.new(4242n)                   // '4242'
 * QueryId.isRedshiftId('4242')         // true: a number usable in STL/SYS views
 */
export const QueryId = Object.freeze({
  /** A QueryId from text, or from a Redshift numeric id. */
  new(value: string | number | bigint): QueryId {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new ValidationError(`a numeric query id must be a safe integer, got ${value}`)
    }
    return String(value)
  },
  /** Whether the id is a Redshift query number (digits only), rather than a Data API or mock id. */
  isRedshiftId(id: QueryId): boolean {
    return /^-?\d+$/.test(id)
  },
  /** The numeric Redshift id, or `undefined` when the id is not one. */
  toBigInt(id: QueryId): bigint | undefined {
    return /^-?\d+$/.test(id) ? BigInt(id) : undefined
  },
  /** Whether the id is known (not the empty string). */
  isKnown(id: QueryId): boolean {
    return id !== ''
  },
})
