import { describeExecuted, type ExecutedQuery } from './executed-query.js'
import { compilePattern, matches, type SqlPattern } from './sql-pattern.js'

/** What the matchers need from what they are given: a `MockRedshiftClient`. */
interface ExecutedLog {
  getExecutedQueries(): readonly ExecutedQuery[]
}

/** The result shape Vitest and Jest matchers return. */
export interface SimulationMatcherResult {
  readonly pass: boolean
  readonly message: () => string
}

function logOf(received: unknown): readonly ExecutedQuery[] {
  const log = received as Partial<ExecutedLog> | null
  if (typeof log?.getExecutedQueries !== 'function') {
    throw new TypeError(`expected a MockRedshiftClient, got ${received === null ? 'null' : typeof received}`)
  }
  return log.getExecutedQueries()
}

function plural(n: number): string {
  return `${n} statement${n === 1 ? '' : 's'}`
}

function were(n: number): string {
  return `${n} ${n === 1 ? 'was' : 'were'}`
}

/**
 * The simulation kit's matchers, for any runner with Jest-style `expect.extend` (the
 * `@redshift-kit/client/simulation/vitest` entry installs them into Vitest).
 *
 * @example
 * expect.extend(simulationMatchers)   // Jest
 * expect(mock).toHaveExecuted('SELECT.*FROM sales')
 */
export const simulationMatchers = Object.freeze({
  /** A statement matching `pattern` was executed (exactly `times` times, when given). */
  toHaveExecuted(
    this: { readonly isNot?: boolean },
    received: unknown,
    pattern: SqlPattern,
    times?: number,
  ): SimulationMatcherResult {
    const executed = logOf(received)
    const compiled = compilePattern(pattern)
    const count = executed.filter((q) => matches(compiled, q.sql)).length
    const pass = times === undefined ? count > 0 : count === times
    const wanted = times === undefined ? 'a statement' : plural(times)
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected no${times === undefined ? '' : ` ${times}`} statement${times === undefined || times !== 1 ? 's' : ''} matching ${compiled.shown}, but ${plural(count)} matched. Executed:\n${describeExecuted(executed)}`
          : `expected ${wanted} matching ${compiled.shown} to have been executed, but ${count === 0 ? 'none was' : `${plural(count)} matched`}. Executed:\n${describeExecuted(executed)}`,
    }
  },
  /** Exactly `expected` statements were executed. */
  toHaveExecutedCount(
    this: { readonly isNot?: boolean },
    received: unknown,
    expected: number,
  ): SimulationMatcherResult {
    const executed = logOf(received)
    return {
      pass: executed.length === expected,
      message: () =>
        this.isNot
          ? `expected other than ${plural(expected)} to have been executed. Executed:\n${describeExecuted(executed)}`
          : `expected ${plural(expected)} to have been executed, but ${were(executed.length)}. Executed:\n${describeExecuted(executed)}`,
    }
  },
  /** No statement was executed. */
  toHaveExecutedNothing(this: { readonly isNot?: boolean }, received: unknown): SimulationMatcherResult {
    const executed = logOf(received)
    return {
      pass: executed.length === 0,
      message: () =>
        this.isNot
          ? 'expected statements to have been executed, but none was'
          : `expected no statements to have been executed, but ${were(executed.length)}:\n${describeExecuted(executed)}`,
    }
  },
})
