/** Where a named statement stands on one connection. */
export type ParseState = 'parsed' | 'pending' | 'absent'

/** Sizing of a {@link StatementCache}. */
export interface StatementCacheOptions {
  /** The most SQL texts remembered (named or only counted); the least recently used is dropped. */
  readonly capacity: number
  /** Uses of a text on the connection before it is parsed under a name (1: from its first use). */
  readonly threshold: number
  /** Prefix of the generated names; must not collide with other statement names on the session. */
  readonly prefix: string
}

interface Cached {
  uses: number
  name: string | undefined
}

/**
 * The statements one connection parses under a name of its own, by SQL text: a text run
 * `threshold` times is parsed once under a name and from then on only bound and executed, which
 * spares the server (and the local Redshift's dialect translation) parsing it on every call. A
 * text run once is never named, so generated SQL does not fill the session with statements.
 * Names that drop out (least recently used, or invalidated) are handed back to be closed.
 *
 * @example
 * const cache = new StatementCache({ capacity: 100, threshold: 2, prefix: 'rka_' })
 * cache.nameFor('SELECT $1', () => 'absent') // undefined: first use runs unnamed
 * cache.nameFor('SELECT $1', () => 'absent') // 'rka_1': parsed under that name now
 */
export class StatementCache {
  readonly #options: StatementCacheOptions
  readonly #entries = new Map<string, Cached>()
  #closing: string[] = []
  #sequence = 0

  constructor(options: StatementCacheOptions) {
    this.#options = options
  }

  /**
   * The name to run `sql` under, or undefined to run it unnamed this time: while its first parse is
   * still in flight (`pending`) it runs unnamed, so it never depends on a parse that may yet fail.
   */
  nameFor(sql: string, state: (name: string) => ParseState): string | undefined {
    let entry = this.#entries.get(sql)
    if (entry === undefined) {
      entry = { uses: 0, name: undefined }
      if (this.#entries.size >= this.#options.capacity) this.#dropOldest()
    } else {
      // Re-inserted, so the map's order stays least recently used first.
      this.#entries.delete(sql)
    }
    this.#entries.set(sql, entry)
    entry.uses++
    if (entry.name !== undefined) return state(entry.name) === 'pending' ? undefined : entry.name
    if (entry.uses < this.#options.threshold) return undefined
    this.#sequence++
    entry.name = `${this.#options.prefix}${this.#sequence}`
    return entry.name
  }

  /** Whether `name` is one of this cache's names. */
  owns(name: string): boolean {
    return name.startsWith(this.#options.prefix)
  }

  /** Forgets the name of `sql` (its parse failed, or its plan went stale); it is closed later. */
  evict(sql: string): void {
    const entry = this.#entries.get(sql)
    if (entry?.name === undefined) return
    this.#closing.push(entry.name)
    entry.name = undefined
    entry.uses = 0
  }

  /** Forgets every name (the session's statements were dropped, or may have been). */
  clear(): void {
    for (const entry of this.#entries.values()) if (entry.name !== undefined) this.#closing.push(entry.name)
    this.#entries.clear()
  }

  /** The names to close on the server before the next statement; each is handed out once. */
  takeClosing(): readonly string[] {
    if (this.#closing.length === 0) return EMPTY
    const names = this.#closing
    this.#closing = []
    return names
  }

  #dropOldest(): void {
    const oldest = this.#entries.entries().next()
    if (oldest.done === true) return
    const [sql, entry] = oldest.value
    this.#entries.delete(sql)
    if (entry.name !== undefined) this.#closing.push(entry.name)
  }
}

const EMPTY: readonly string[] = Object.freeze([])
