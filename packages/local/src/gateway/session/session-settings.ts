/**
 * A session's Redshift-only settings (query_group, wlm_query_slot_count, ...), as statements see them
 * under pipelining: a change is applied when its statement is sent, since the engine runs a session's
 * statements in order, so every statement sent after it sees it, answered or not. It is undone when its
 * statement fails, and kept or dropped when the engine reports the end of its transaction.
 */
import {
  REDSHIFT_SESSION_SETTINGS,
  REDSHIFT_SETTING_DEFAULTS,
  type RedshiftSessionSetting,
} from '@redshift-kit/dialect'

/** Values of the Redshift-only settings. */
export type Settings = Record<RedshiftSessionSetting, string>

/** One statement's change, from when it was sent until its transaction's end is known. */
interface SettingChange {
  /** The statement that made it (any object identifying it). */
  readonly by: object
  readonly name: RedshiftSessionSetting
  readonly value: string
  /** `SET LOCAL`: ends with its transaction whatever the outcome. */
  readonly local: boolean
  /** Syncs sent before the statement: its transaction ends at a ReadyForQuery of a later generation. */
  readonly generation: number
}

const defaults = (): Settings =>
  Object.fromEntries(REDSHIFT_SESSION_SETTINGS.map((n) => [n, REDSHIFT_SETTING_DEFAULTS[n]])) as Settings

/** The settings of one session: committed values, and the changes of statements sent since. */
export class SessionSettings {
  /** As a statement sent now sees them: the committed values with every pending change applied. */
  current: Settings = defaults()
  /** As of the last transaction end the engine reported. */
  #committed: Settings = defaults()
  /** Changes whose transaction's end is not known yet, in the order they were sent. */
  #changes: SettingChange[] = []

  /** A statement `by` was sent that sets `name` (null: RESET to the default). */
  change(
    by: object,
    name: RedshiftSessionSetting,
    value: string | null,
    local: boolean,
    generation: number,
  ): void {
    const resolved = value ?? REDSHIFT_SETTING_DEFAULTS[name]
    this.#changes.push({ by, name, value: resolved, local, generation })
    this.current[name] = resolved
  }

  /** The statement `by` failed or never ran: its changes never happened. */
  undo(by: object): void {
    if (this.#changes.length === 0) return
    const kept = this.#changes.filter((c) => c.by !== by)
    if (kept.length === this.#changes.length) return
    this.#changes = kept
    this.#rebuild()
  }

  /**
   * A transaction ended at the ReadyForQuery of `generation` (undefined: every change sent so far is
   * in it): its changes are kept (`rolledBack` false; SET LOCAL ones end) or dropped.
   */
  transactionEnded(generation: number | undefined, rolledBack: boolean): void {
    if (this.#changes.length === 0) return
    const ended = (c: SettingChange): boolean => generation === undefined || c.generation < generation
    let any = false
    for (const c of this.#changes) {
      if (!ended(c)) continue
      any = true
      if (!rolledBack && !c.local) this.#committed[c.name] = c.value
    }
    if (!any) return
    this.#changes = this.#changes.filter((c) => !ended(c))
    this.#rebuild()
  }

  #rebuild(): void {
    const current = { ...this.#committed }
    for (const c of this.#changes) current[c.name] = c.value
    this.current = current
  }
}
