/**
 * A JSON value, as SUPER columns hold and {@link json} parameters send.
 *
 * @example
 * const doc: JsonValue = { id: 1, tags: ['a', 'b'], parent: null }
 */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A value read from a result row. Lossless by default: BIGINT is a `bigint`, DECIMAL a `string`,
 * TIMESTAMP/TIMESTAMPTZ a `Date` (UTC), DATE/TIME/TIMETZ/INTERVAL a `string`, SUPER parsed JSON,
 * VARBYTE a `Uint8Array`, SQL NULL `null`.
 *
 * @example
 * const value: Value = result.rows[0]?.get('total') ?? null
 * if (typeof value === 'bigint') console.log(value + 1n)
 */
export type Value = number | bigint | string | boolean | Date | Uint8Array | JsonValue | null

const JSON_PARAM = Symbol.for('@redshift-kit/client.JsonParam')

/**
 * A value sent as JSON text, made by {@link json} (or its alias {@link superParam}). Plain objects and
 * arrays are never sent implicitly: Redshift cannot bind arrays, so they must be wrapped.
 *
 * @example
 * const param: JsonParam = json({ tags: ['a', 'b'] })
 * await client.executeQuery(new QueryBuilder('INSERT INTO t VALUES (JSON_PARSE($1))').param(param).build())
 */
export interface JsonParam {
  readonly [JSON_PARAM]: true
  /** The value to serialize; `bigint`s inside are written as exact JSON numbers. */
  readonly value: unknown
}

/**
 * A bind parameter: `string`, `number`, `bigint`, `boolean`, `Date` (sent as UTC), bytes
 * (`Uint8Array`), {@link JsonParam}, or `null`/`undefined` for SQL NULL.
 *
 * @example
 * const params: QueryParam[] = ['active', 123n, new Date('2024-01-01T00:00:00Z'), null]
 */
export type QueryParam = string | number | bigint | boolean | Date | Uint8Array | JsonParam | null | undefined

/**
 * Wraps a value to be sent as JSON text. For a SUPER column, parse it on the server side:
 * a bound string stays a SUPER *string* unless the SQL says `JSON_PARSE($1)`.
 *
 * @example
 * new QueryBuilder('INSERT INTO events (payload) VALUES (JSON_PARSE($1))').param(json({ a: [1, 2] }))
 */
export function json(value: unknown): JsonParam {
  return Object.freeze({ [JSON_PARAM]: true as const, value })
}

/**
 * The same as {@link json}: a value for a SUPER column, sent as JSON text.
 *
 * @example
 * new QueryBuilder('INSERT INTO t (s) VALUES (JSON_PARSE($1))').param(superParam([1, 2, 3]))
 */
export const superParam: (value: unknown) => JsonParam = json

/**
 * Whether `value` was made by {@link json} / {@link superParam} (of any copy of this package).
 *
 * @example
 * isJsonParam(json(1)) // true
 */
export function isJsonParam(value: unknown): value is JsonParam {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[JSON_PARAM] === true
  )
}
