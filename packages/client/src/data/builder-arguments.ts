import { ValidationError } from '../errors/client-errors.js'

/**
 * Checks of what callers hand the COPY and UNLOAD builders, whatever its type. Builders are called
 * from plain JavaScript and with values read from files and requests, so an argument can be a bigint,
 * `null`, an object or a symbol where a string was declared. None of these may reach the SQL text, and
 * none may surface as a raw `TypeError` (or as JSON.stringify's "Do not know how to serialize a
 * BigInt" while a message about it is being written): each becomes a problem of `build()`.
 */

const MAX_SHOWN = 60

/**
 * `value` as a message shows it: strings quoted (cut to 60 characters), numbers and bigints as
 * written, `null`/`undefined`/booleans by name, and anything else by its type only. Never throws, and
 * never calls a method of the value (an object's own `toString` could throw or lie).
 *
 * @example
 * describeValue('gzip; drop table t') // '"gzip; drop table t"'
 * describeValue(5n)                   // '5n (a bigint)'
 * describeValue({ a: 1 })             // 'an object'
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value
      return JSON.stringify(shown)
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'bigint':
      return `${value.toString()}n (a bigint)`
    case 'boolean':
      return String(value)
    case 'undefined':
      return 'undefined'
    case 'symbol':
      return 'a symbol'
    case 'function':
      return 'a function'
    default:
      if (value === null) return 'null'
      return Array.isArray(value) ? 'an array' : 'an object'
  }
}

/** A problem message for a value of the wrong type: `must be <what>, got <value>`. */
export function mustBe(what: string, value: unknown): string {
  return `must be ${what}, got ${describeValue(value)}`
}

/** Whether `value` is a non-null, non-array object whose properties can be read. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The problem of a flag argument that is not `true` or `false` (`'false'` would otherwise turn it on). */
export function booleanProblem(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : mustBe('true or false', value)
}

/** The problem of a value that must be one of `allowed` (exact spelling), or `undefined`. */
export function oneOfProblem(value: unknown, allowed: readonly string[]): string | undefined {
  return typeof value === 'string' && allowed.includes(value)
    ? undefined
    : mustBe(`one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value)
}

/**
 * The keyword a statement writes for `value`, which must be one of `keywords`' keys: the last guard
 * before a value is written into SQL unquoted. A command made by its builder never fails here (its
 * `build()` refused the value already); one assembled by hand does, with a `ValidationError`.
 */
export function keywordFor(
  keywords: Readonly<Record<string, string>>,
  value: unknown,
  field: string,
): string {
  if (typeof value === 'string' && Object.hasOwn(keywords, value)) return keywords[value] as string
  throw new ValidationError(`invalid ${field}`, {
    problems: [{ field, message: oneOfProblem(value, Object.keys(keywords)) ?? 'is not allowed' }],
  })
}

/** `value` as a SQL number, for the numbers a statement writes bare; the same guard as {@link keywordFor}. */
export function numberFor(value: unknown, field: string, { integer = true } = {}): string {
  if (typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value))) {
    return String(value)
  }
  throw new ValidationError(`invalid ${field}`, {
    problems: [{ field, message: mustBe(integer ? 'a whole number' : 'a finite number', value) }],
  })
}
