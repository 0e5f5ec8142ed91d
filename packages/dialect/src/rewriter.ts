import type { Token } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/** What a rewrite produced: replacement text, and the token index to continue after it. */
export interface Rewrite {
  readonly text: string
  readonly next: number
}

/**
 * A token-level rewrite, tried at each unquoted word it is registered for. Returns null to leave the
 * token alone. `to` bounds the range being rendered; a handler must not consume tokens at or past it.
 */
export type RewriteHandler = (rw: Rewriter, at: number, to: number) => Rewrite | null

/** What the rewrites need to know besides the tokens. */
export interface RewriteOptions {
  /** Substituted for `pg_last_query_id()`; undefined: the call is left to the engine (session setting). */
  readonly lastQueryId: number | undefined
  /** See `TranslateContext.relationColumns`. */
  readonly relationColumns?: ((relation: string) => readonly string[] | undefined) | undefined
}

/**
 * Where rendering goes on after a rewrite at `i`. A rewrite that does not move past its own start
 * (a bug, on input its author did not foresee) would render the same text for ever, growing the
 * output until memory runs out: a statement from any client could stall the gateway. It fails the
 * statement instead (the gateway answers the error).
 */
function advanced(i: number, next: number): number {
  if (next <= i)
    throw new Error(`the statement could not be translated (a rewrite at token ${i} did not advance)`)
  return next
}

/**
 * Renders a statement's tokens back to SQL, applying fixed replacements registered up front (CREATE
 * TABLE attribute stripping) and word-triggered rewrites found on the way (SYSDATE, TOP, LISTAGG, ...).
 * Handlers render the inner parts of what they rewrite through `render`, so rewrites nest (a TOP inside
 * a LISTAGG argument's subquery, SYSDATE inside a DEFAULT).
 */
export class Rewriter {
  readonly ts: TokenStream
  readonly options: RewriteOptions
  readonly #handlers: ReadonlyMap<string, RewriteHandler>
  readonly #replacements = new Map<number, Rewrite>()
  #changed = false
  /** A `pg_last_query_id()` call was left for the engine to answer from the session setting. */
  readsLastQueryId = false
  /** Set by a rewrite that found the statement cannot be translated: answer it instead of running. */
  error: StatementError | undefined
  /** Relations whose columns a rewrite needed and `options.relationColumns` did not know. */
  readonly needsColumns = new Set<string>()

  constructor(ts: TokenStream, handlers: ReadonlyMap<string, RewriteHandler>, options: RewriteOptions) {
    this.ts = ts
    this.#handlers = handlers
    this.options = options
  }

  /** Records why the statement cannot be translated (the first reason wins). */
  fail(error: StatementError): void {
    this.error ??= error
  }

  /** True once anything was replaced: otherwise the original text should be used as is. */
  get changed(): boolean {
    return this.#changed
  }

  /** Replaces tokens `[from, to)` with `text`. Ranges must not overlap. */
  replace(from: number, to: number, text: string): void {
    this.#replacements.set(from, { text, next: to })
    this.#changed = true
  }

  /**
   * Removes tokens `from..last` (inclusive) together with the whitespace just before them, so stripping
   * ` ENCODE zstd` leaves no double space.
   */
  remove(from: number, last: number): void {
    const before = this.ts.tokens[from - 1]
    const start = before?.kind === 'whitespace' && !this.#replacements.has(from - 1) ? from - 1 : from
    this.replace(start, last + 1, '')
  }

  /** SQL for tokens `[from, to)` with every replacement and rewrite applied. */
  render(from = 0, to: number = this.ts.tokens.length): string {
    const { tokens } = this.ts
    let out = ''
    let i = from
    while (i < to) {
      const fixed = this.#replacements.get(i)
      if (fixed !== undefined) {
        out += fixed.text
        i = advanced(i, fixed.next)
        continue
      }
      const token = tokens[i] as Token
      if (token.kind === 'word') {
        const handler = this.#handlers.get(token.value as string)
        const rewrite = handler?.(this, i, to)
        if (rewrite) {
          this.#changed = true
          out += rewrite.text
          i = advanced(i, rewrite.next)
          continue
        }
      }
      out += token.text
      i++
    }
    return out
  }

  /** SQL for the significant tokens `from..last` (inclusive), rewrites applied. */
  renderItem(from: number, last: number): string {
    return this.render(from, last + 1)
  }
}
