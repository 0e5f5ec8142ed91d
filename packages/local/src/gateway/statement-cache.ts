/**
 * Translations of statement texts the gateway has seen before, shared by all sessions: clients send
 * the same few texts over and over (a driver's `select $1`, an application's queries), and translating
 * costs a tokenizer pass or two per statement. A translation is only reused when it does not depend on
 * the session: that is found out by translating the text a second time under a different context.
 */
import type { TranslateContext } from '@redshift-kit/dialect'
import type { Dialect } from './dialect-seam.js'
import { type Prepared, prepareStatement } from './session/execution.js'

/** Texts longer than this are translated every time (bulk INSERTs with inlined values rarely repeat). */
const MAX_CACHED_TEXT = 8 * 1024
/** Entries kept; the oldest go first. */
const MAX_ENTRIES = 2000

/** Translates and splits statement texts, reusing earlier results where they cannot differ. */
export class StatementCache {
  readonly #dialect: Dialect
  readonly #executorConfigured: boolean
  /** Text -> its translation, or null when the translation depends on the session. */
  readonly #prepared = new Map<string, Prepared | null>()
  /** Texts seen once: checked (and cached) the second time, so one-off texts cost one translation. */
  readonly #seen = new Set<string>()
  readonly #splits = new Map<string, readonly string[]>()

  constructor(dialect: Dialect, executorConfigured: boolean) {
    this.#dialect = dialect
    this.#executorConfigured = executorConfigured
  }

  /** The statements of a Query or Parse text; the text itself when the splitter fails. */
  split(sql: string): readonly string[] {
    const cached = this.#splits.get(sql)
    if (cached !== undefined) return cached
    let parts: readonly string[]
    try {
      parts = this.#dialect.splitStatements(sql)
    } catch {
      parts = [sql]
    }
    if (sql.length <= MAX_CACHED_TEXT) remember(this.#splits, sql, parts)
    return parts
  }

  /** One statement translated for `tctx`. */
  prepare(text: string, tctx: TranslateContext): Prepared {
    const cached = this.#prepared.get(text)
    if (cached !== undefined && cached !== null) return cached
    const prepared = prepareStatement(this.#dialect, text, tctx, this.#executorConfigured)
    if (cached === null || text.length > MAX_CACHED_TEXT) return prepared
    if (!this.#seen.has(text)) {
      if (this.#seen.size >= MAX_ENTRIES) this.#seen.clear()
      this.#seen.add(text)
      return prepared
    }
    this.#seen.delete(text)
    const other = prepareStatement(this.#dialect, text, otherContext(tctx), this.#executorConfigured)
    remember(this.#prepared, text, JSON.stringify(other) === JSON.stringify(prepared) ? prepared : null)
    return prepared
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next()
    if (oldest.done !== true) map.delete(oldest.value)
  }
  map.set(key, value)
}

/** A context that differs from `tctx` in every field, for telling whether a translation depends on it. */
function otherContext(tctx: TranslateContext): TranslateContext {
  const settings = Object.fromEntries(
    Object.entries(tctx.settings).map(([k, v]) => [k, `${v}x`]),
  ) as unknown as TranslateContext['settings']
  return { queryId: tctx.queryId + 7919, lastQueryId: tctx.lastQueryId + 7919, settings }
}
