/**
 * The Data API's named parameters: `:name` placeholders in the SQL text become the engine's
 * positional `$n`, found with the lexer so that a `:name` inside a string, a quoted identifier or a
 * comment stays text, and `::type` casts (`:id::smallint`) keep working.
 */
import { tokenize } from '@redshift-kit/dialect'
import { validationError } from './errors.js'
import type { SqlParameter } from './inputs.js'

/** SQL with positional placeholders, and the values in their order. */
export interface BoundSql {
  readonly text: string
  readonly values: readonly string[]
  /** Names the SQL used. */
  readonly used: ReadonlySet<string>
}

/**
 * Replaces each `:name` with `$n` (one number per distinct name) and orders the values to match.
 * A placeholder with no parameter is an error; numeric ones without a parameter (`arr[1:2]`) are left.
 *
 * @example
 * bindParameters('select * from t where id = :id and s = :s', [{ name: 'id', value: '5' }, { name: 's', value: 'x' }])
 * // { text: 'select * from t where id = $1 and s = $2', values: ['5', 'x'], ... }
 */
export function bindParameters(sql: string, parameters: readonly SqlParameter[] | undefined): BoundSql {
  const given = new Map((parameters ?? []).map((p) => [p.name, p.value]))
  const tokens = tokenize(sql)
  const numbers = new Map<string, number>()
  const values: string[] = []
  let out = ''
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token === undefined) break
    const next = tokens[i + 1]
    const placeholder =
      token.kind === 'punct' &&
      token.text === ':' &&
      next !== undefined &&
      next.start === token.end &&
      (next.kind === 'word' || next.kind === 'number') &&
      /^[0-9a-zA-Z_]+$/.test(next.text)
    if (!placeholder || next === undefined) {
      out += token.text
      continue
    }
    const value = given.get(next.text)
    if (value === undefined) {
      if (next.kind === 'number') {
        out += token.text
        continue
      }
      throw validationError(
        `The SQL uses the placeholder :${next.text}, but Parameters has no parameter named ${next.text}.`,
      )
    }
    let n = numbers.get(next.text)
    if (n === undefined) {
      values.push(value)
      n = values.length
      numbers.set(next.text, n)
    }
    out += `$${n}`
    i++
  }
  return { text: out, values, used: new Set(numbers.keys()) }
}

/** Refuses parameters that no statement uses (a typo in a name would otherwise pass silently). */
export function checkAllUsed(
  parameters: readonly SqlParameter[] | undefined,
  bound: readonly BoundSql[],
): void {
  for (const p of parameters ?? []) {
    if (!bound.some((b) => b.used.has(p.name))) {
      throw validationError(
        `Parameter ${p.name} is not used in the SQL: refer to it as :${p.name}, or leave it out.`,
      )
    }
  }
}
