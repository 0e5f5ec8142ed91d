import { ValidationError } from '../errors/client-errors.js'

/** A statement pattern: a regular expression, as a `RegExp` or as its source text. */
export type SqlPattern = string | RegExp

/** A compiled {@link SqlPattern} and how to show it in messages. */
export interface CompiledPattern {
  readonly regexp: RegExp
  /** The pattern as a regular expression literal, for messages (`/FROM sales/is`). */
  readonly shown: string
}

/**
 * Compiles a pattern. Text becomes a case-insensitive, dot-matches-newline expression searched
 * anywhere in the statement (SQL keywords have no fixed case, and statements span lines); a `RegExp`
 * keeps its own flags, less `g` and `y`, whose `lastIndex` would make a second test of the same
 * statement fail.
 *
 * @example
 * compilePattern('SELECT.*FROM sales').regexp.test('select sum(x)\nfrom sales') // true
 */
export function compilePattern(pattern: SqlPattern, field = 'pattern'): CompiledPattern {
  if (pattern instanceof RegExp) {
    const flags = pattern.flags.replace(/[gy]/g, '')
    const regexp = new RegExp(pattern.source, flags)
    return { regexp, shown: String(regexp) }
  }
  if (typeof pattern !== 'string' || pattern === '') {
    throw new ValidationError('invalid statement pattern', {
      problems: [{ field, message: 'must be a non-empty regular expression, as a string or a RegExp' }],
    })
  }
  try {
    const regexp = new RegExp(pattern, 'is')
    return { regexp, shown: String(regexp) }
  } catch (error) {
    throw new ValidationError('invalid statement pattern', {
      problems: [
        {
          field,
          message: `${JSON.stringify(pattern)} is not a regular expression: ${String((error as Error).message)}`,
        },
      ],
    })
  }
}

/** Whether `sql` matches `pattern`. */
export function matches(pattern: CompiledPattern, sql: string): boolean {
  return pattern.regexp.test(sql)
}
