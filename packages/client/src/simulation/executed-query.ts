import { redactSecrets } from '../errors/redact.js'
import { isRedshiftError } from '../errors/redshift-error.js'
import type { QueryParam } from '../types/value.js'

/** What kind of exchange a statement was. */
export type ExecutedQueryKind = 'query' | 'prepare' | 'execute-prepared' | 'cursor'

/** How a statement ended. */
export type ExecutedQueryOutcome = 'running' | 'succeeded' | 'failed'

/** What answered a statement in the mock. */
export type ExecutedQuerySource = 'injected' | 'response' | 'transaction' | 'system' | 'tables' | 'none'

/**
 * One statement the mock received, in the order they arrived: retries and transaction control
 * included, as a real server would see them.
 *
 * @example
 * const [first] = mock.getExecutedQueries()
 * first.sql       // 'SELECT 1'
 * first.outcome   // 'failed'
 * first.error     // ConnectionFailedError
 */
export interface ExecutedQuery {
  /** The statement (secrets such as `PASSWORD '...'` or `CREDENTIALS '...'` redacted). */
  readonly sql: string
  readonly params: readonly QueryParam[]
  readonly kind: ExecutedQueryKind
  /** The session it ran on (`null` for an autocommit statement on any pooled session). */
  readonly sessionId: string | null
  /** Whether it ran inside a transaction block. */
  readonly inTransaction: boolean
  readonly startedAt: Date
  /** How long it took, simulated latency included (0 while running). */
  readonly durationMs: number
  readonly outcome: ExecutedQueryOutcome
  /** What answered it. */
  readonly source: ExecutedQuerySource
  /** Rows returned or affected, once it succeeded. */
  readonly rowCount?: number
  /** The error it failed with. */
  readonly error?: unknown
}

/** A mutable log entry, frozen into an {@link ExecutedQuery} when read. */
export interface LogEntry {
  finish(
    outcome:
      | { source: ExecutedQuerySource; rowCount: number }
      | { source: ExecutedQuerySource; error: unknown },
  ): void
}

/** The mock's statement log. */
export class QueryLog {
  readonly #entries: { -readonly [K in keyof ExecutedQuery]: ExecutedQuery[K] }[] = []

  start(init: {
    sql: string
    params: readonly QueryParam[]
    kind: ExecutedQueryKind
    sessionId: string | null
    inTransaction: boolean
  }): LogEntry {
    const entry: { -readonly [K in keyof ExecutedQuery]: ExecutedQuery[K] } = {
      sql: redactSecrets(init.sql),
      params: Object.freeze([...init.params]),
      kind: init.kind,
      sessionId: init.sessionId,
      inTransaction: init.inTransaction,
      startedAt: new Date(),
      durationMs: 0,
      outcome: 'running',
      source: 'none',
    }
    this.#entries.push(entry)
    const started = performance.now()
    return {
      finish(outcome) {
        entry.durationMs = performance.now() - started
        entry.source = outcome.source
        if ('error' in outcome) {
          entry.outcome = 'failed'
          entry.error = outcome.error
        } else {
          entry.outcome = 'succeeded'
          entry.rowCount = outcome.rowCount
        }
      },
    }
  }

  list(): ExecutedQuery[] {
    return this.#entries.map((e) => Object.freeze({ ...e }))
  }

  get size(): number {
    return this.#entries.length
  }

  clear(): void {
    this.#entries.length = 0
  }
}

function shortError(error: unknown): string {
  if (isRedshiftError(error)) return `${error.name}: ${error.message}`
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

/** The executed statements, one per line, for assertion messages. */
export function describeExecuted(queries: readonly ExecutedQuery[], limit = 25): string {
  if (queries.length === 0) return '  (no statements were executed)'
  const lines = queries.slice(0, limit).map((q, i) => {
    const sql = q.sql.length > 200 ? `${q.sql.slice(0, 200)}...` : q.sql
    const params =
      q.params.length === 0 ? '' : ` with ${q.params.length} param${q.params.length === 1 ? '' : 's'}`
    const outcome = q.outcome === 'failed' ? `failed (${shortError(q.error)})` : q.outcome
    return `  ${i + 1}. ${sql.replace(/\s+/g, ' ').trim()}${params} -> ${outcome}`
  })
  if (queries.length > limit) lines.push(`  ... and ${queries.length - limit} more`)
  return lines.join('\n')
}

/**
 * An assertion of the mock failed. Its message says what was expected and lists what was executed
 * instead.
 *
 * @example
 * try { mock.assertQueryCount(3) } catch (e) { if (e instanceof MockAssertionError) console.log(e.message) }
 */
export class MockAssertionError extends Error {
  override readonly name = 'AssertionError' as const
}
