import { ValidationError } from '../errors/client-errors.js'
import { QueryResult, type QueryResultInit } from '../query/query-result.js'
import type { Row } from '../query/row.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryParam } from '../types/value.js'
import { InjectedResult } from './injected-result.js'
import { assertRowsFit } from './mock-values.js'
import { type CompiledPattern, compilePattern, matches, type SqlPattern } from './sql-pattern.js'

/** What a response function is told about the statement it answers. */
export interface MockCall {
  readonly sql: string
  readonly params: readonly QueryParam[]
  /** The session it runs on (`null` for an autocommit statement). */
  readonly sessionId: string | null
  readonly inTransaction: boolean
}

/** A configured answer: a result, the fields of one, or a function that makes one (or throws). */
export type MockResponse =
  | QueryResult
  | QueryResultInit
  | ((call: MockCall) => QueryResult | QueryResultInit | Promise<QueryResult | QueryResultInit>)

type Injection =
  | { readonly pattern: CompiledPattern; readonly kind: 'always'; readonly error: unknown }
  | { readonly pattern: CompiledPattern; readonly kind: 'sequence'; readonly queue: InjectedResult[] }

/** A configured response for the statements its pattern matches. */
export interface MockRule {
  readonly pattern: CompiledPattern
  readonly respond: (call: MockCall) => Promise<QueryResult>
  /** The columns of a fixed result (what `prepare` reports); unknown for a response function. */
  readonly columns?: readonly ColumnMetadata[]
}

/** An injected error, kept apart so that it reaches the client exactly as it was given. */
export class InjectedFailure {
  readonly error: unknown
  constructor(error: unknown) {
    this.error = error
  }
}

function settle(result: QueryResult | QueryResultInit): QueryResult {
  const r = result instanceof QueryResult ? result : new QueryResult(result)
  assertRowsFit(
    'response',
    r.columns,
    r.rows.map((row) => row.values),
  )
  return r
}

/**
 * The responses and faults configured on the mock server, matched against each statement by
 * pattern; the newest match wins.
 */
export class MockResponses {
  #rules: MockRule[] = []
  #injections: Injection[] = []

  setQueryResponse(pattern: SqlPattern, response: MockResponse): void {
    const compiled = compilePattern(pattern)
    if (typeof response === 'function') {
      this.#rules.push({ pattern: compiled, respond: async (call) => settle(await response(call)) })
      return
    }
    const result = settle(response)
    this.#rules.push({ pattern: compiled, respond: async () => result, columns: result.columns })
  }

  injectError(pattern: SqlPattern, error: unknown): void {
    InjectedResult.error(error)
    this.#injections.push({ pattern: compilePattern(pattern), kind: 'always', error })
  }

  injectErrorSequence(pattern: SqlPattern, results: readonly InjectedResult[]): void {
    if (!Array.isArray(results) || results.length === 0) {
      throw new ValidationError('invalid error sequence', {
        problems: [
          {
            field: 'results',
            message: 'must list at least one InjectedResult.error(...) or InjectedResult.success(...)',
          },
        ],
      })
    }
    const queue = results.map((r, i) => {
      if (r?.kind !== 'error' && r?.kind !== 'success') {
        throw new ValidationError('invalid error sequence', {
          problems: [
            {
              field: `results[${i}]`,
              message: 'must be made by InjectedResult.error(e) or InjectedResult.success(result)',
            },
          ],
        })
      }
      if (r.kind === 'success')
        assertRowsFit(
          'response',
          r.result.columns,
          r.result.rows.map((row: Row) => row.values),
        )
      return r
    })
    this.#injections.push({ pattern: compilePattern(pattern), kind: 'sequence', queue })
  }

  /** Whether a response or an injected fault is set for `sql`. */
  configured(sql: string): boolean {
    return (
      this.#rules.some((r) => matches(r.pattern, sql)) ||
      this.#injections.some((i) => matches(i.pattern, sql))
    )
  }

  /** The newest response whose pattern matches `sql`. */
  rule(sql: string): MockRule | undefined {
    return this.#rules.findLast((r) => matches(r.pattern, sql))
  }

  /** The next injected result for `sql`, taken off its sequence; an exhausted sequence no longer matches. */
  injected(sql: string): InjectedResult | undefined {
    for (let i = this.#injections.length - 1; i >= 0; i--) {
      const injection = this.#injections[i] as Injection
      if (!matches(injection.pattern, sql)) continue
      if (injection.kind === 'always') return InjectedResult.error(injection.error)
      const next = injection.queue.shift()
      if (next !== undefined) return next
    }
    return undefined
  }

  /** The response patterns as shown to users, newest first. */
  patternsShown(): string[] {
    return this.#rules.map((r) => r.pattern.shown).reverse()
  }

  reset(): void {
    this.#rules = []
    this.#injections = []
  }
}
