// `@redshift-kit/client/simulation/vitest`: importing it installs the simulation kit's matchers
// into Vitest's `expect` (Vitest is an optional peer dependency of the package).
import { expect } from 'vitest'
import { simulationMatchers } from './matchers.js'
import type { SqlPattern } from './sql-pattern.js'

expect.extend(simulationMatchers)

/** The matchers this entry adds to Vitest's `expect`. */
export interface SimulationMatchers<R = unknown> {
  /**
   * A statement matching `pattern` (a regular expression) was executed; exactly `times` times when given.
   *
   * @example
   * expect(mock).toHaveExecuted('SELECT.*FROM sales')
   * expect(mock).toHaveExecuted(/^INSERT INTO audit/i, 2)
   */
  toHaveExecuted(pattern: SqlPattern, times?: number): R
  /**
   * Exactly `expected` statements were executed.
   *
   * @example
   * expect(mock).toHaveExecutedCount(3)
   */
  toHaveExecutedCount(expected: number): R
  /**
   * No statement was executed.
   *
   * @example
   * expect(mock).toHaveExecutedNothing()
   */
  toHaveExecutedNothing(): R
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat Vitest's own declaration to merge with it
  interface Matchers<T = any> extends SimulationMatchers<T> {}
}

export { simulationMatchers }
