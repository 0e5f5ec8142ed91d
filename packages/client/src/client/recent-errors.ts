import type { RedshiftError, RedshiftErrorCode } from '../errors/redshift-error.js'
import type { StatementOperation } from '../pipeline/statement-context.js'

/**
 * One failure the client saw, as diagnostics report it (messages are already redacted of secrets).
 *
 * @example
 * const { recentErrors } = await client.getDiagnostics()
 * for (const e of recentErrors) console.warn(e.at.toISOString(), e.operation, e.code, e.message)
 */
export interface RecentError {
  readonly at: Date
  readonly operation: StatementOperation | 'background'
  readonly code: RedshiftErrorCode
  readonly message: string
  readonly sqlState?: string
}

/** The last `capacity` failures, oldest first. */
export class RecentErrors {
  readonly #capacity: number
  readonly #items: RecentError[] = []

  constructor(capacity = 20) {
    this.#capacity = capacity
  }

  /** Records a failure. */
  add(error: RedshiftError, operation: RecentError['operation']): void {
    this.#items.push(
      Object.freeze({
        at: new Date(),
        operation,
        code: error.code,
        message: error.message,
        ...(error.sqlState === undefined ? {} : { sqlState: error.sqlState }),
      }),
    )
    if (this.#items.length > this.#capacity) this.#items.shift()
  }

  /** A copy of what is held, oldest first. */
  list(): readonly RecentError[] {
    return Object.freeze([...this.#items])
  }
}
