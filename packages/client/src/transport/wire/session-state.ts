/**
 * Settings of a session the client manages per statement, by name: a value, or null for the server's
 * default (the session's value before the client touched it, restored with RESET).
 */
export type WantedSettings = Readonly<Record<string, string | null>>

/** Quotes a setting value as a SQL string literal (the only form Redshift's SET takes for query_group). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** The SQL that moves a session from what it has to what is wanted, and what the cache becomes after it. */
export interface SettingsChange {
  /** `SET a TO ...; RESET b` statements, in a stable order. */
  readonly statements: readonly string[]
  /** The settings the statements change, and their values after them. */
  readonly values: ReadonlyMap<string, string | null>
}

const NO_CHANGE: SettingsChange = Object.freeze({ statements: Object.freeze([]), values: new Map() })

/**
 * What one session's settings are known to be. A fresh session has every setting at its server
 * default; every setting becomes unknown (absent from the map) whenever the client cannot be sure of
 * it (a transaction that may have rolled a SET back, a SET the user ran themselves), and is then
 * sent again.
 */
export class SessionState {
  readonly #known = new Map<string, string | null>()

  /** Creates the state of a fresh session, where `names` are at their defaults. */
  constructor(names: readonly string[]) {
    for (const name of names) this.#known.set(name, null)
  }

  /** The SET/RESET statements needed for `wanted`; empty when the session already matches. */
  diff(wanted: WantedSettings): SettingsChange {
    // The common case, checked without allocating: every statement of a session wants the same.
    if (this.#matches(wanted)) return NO_CHANGE
    const statements: string[] = []
    const values = new Map<string, string | null>()
    for (const name of Object.keys(wanted).sort()) {
      const value = wanted[name] ?? null
      if (this.#known.has(name) && this.#known.get(name) === value) continue
      if (!/^[a-z_][a-z0-9_.]*$/i.test(name)) throw new TypeError(`not a setting name: ${name}`)
      statements.push(value === null ? `RESET ${name}` : `SET ${name} TO ${literal(value)}`)
      values.set(name, value)
    }
    return { statements, values }
  }

  #matches(wanted: WantedSettings): boolean {
    for (const name in wanted) {
      const value = wanted[name] ?? null
      if (this.#known.get(name) !== value || !this.#known.has(name)) return false
    }
    return true
  }

  /** Records a change the server has confirmed. */
  commit(change: SettingsChange): void {
    for (const [name, value] of change.values) this.#known.set(name, value)
  }

  /** Forgets every setting: each is sent again before the next statement that cares. */
  forgetAll(): void {
    this.#known.clear()
  }

  /** The value known for `name`: a string, null for the default, undefined when unknown. */
  get(name: string): string | null | undefined {
    return this.#known.has(name) ? this.#known.get(name) : undefined
  }
}
