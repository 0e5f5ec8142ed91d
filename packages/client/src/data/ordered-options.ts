/**
 * The options of a COPY or UNLOAD, kept in the order they were first set: the statement reads in the
 * order its author wrote it, and setting an option again changes its value in place.
 */

/** One option: its name and value (`true` for bare keywords). */
export interface OptionEntry<N extends string = string, V = unknown> {
  readonly name: N
  readonly value: V
}

/** A frozen copy of `list` with `entry` set (replacing an entry of the same name in place). */
export function withOption<E extends OptionEntry>(list: readonly E[], entry: E): readonly E[] {
  const i = list.findIndex((e) => e.name === entry.name)
  const next = i === -1 ? [...list, entry] : list.map((e, j) => (j === i ? entry : e))
  return Object.freeze(next.map((e) => Object.freeze(e)))
}

/** A frozen copy of `list` without the option `name`. */
export function withoutOption<E extends OptionEntry>(list: readonly E[], name: E['name']): readonly E[] {
  return Object.freeze(list.filter((e) => e.name !== name))
}

/** The value of option `name`, or `undefined` when it is not set. */
export function optionValue<E extends OptionEntry, N extends E['name']>(
  list: readonly E[],
  name: N,
): Extract<E, { name: N }>['value'] | undefined {
  return (list.find((e) => e.name === name) as Extract<E, { name: N }> | undefined)?.value
}
