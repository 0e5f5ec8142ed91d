import type { TranslateContext, TranslatedStatement } from '@redshift-kit/dialect'
import { splitStatements, translateStatement } from '@redshift-kit/dialect'

/**
 * The dialect as the gateway uses it: a seam, so that a test can hand in its own. Its own module, so
 * that the context, the statement cache and the execution all depend on it and not on each other.
 */
export interface Dialect {
  splitStatements(sql: string): string[]
  translateStatement(sql: string, ctx: TranslateContext): TranslatedStatement
}

/** The real dialect, `@redshift-kit/dialect`. */
export const DEFAULT_DIALECT: Dialect = { splitStatements, translateStatement }
