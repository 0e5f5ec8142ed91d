import { quoteLiteral, stringValue } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import {
  REDSHIFT_SESSION_SETTINGS,
  type RedshiftSessionSetting,
  type StatementEffect,
  type StatementError,
  type TranslatedStatement,
} from './translation.js'

/** A translation of SET / RESET / SHOW, without the fields every translation has. */
export type SessionTranslation = Pick<
  TranslatedStatement,
  'sql' | 'effect' | 'effects' | 'response' | 'error'
>

const SETTINGS = new Set<string>(REDSHIFT_SESSION_SETTINGS)
const BOOLEAN_SETTINGS = new Set<RedshiftSessionSetting>([
  'enable_result_cache_for_session',
  'enable_case_sensitive_identifier',
  'describe_field_name_in_uppercase',
])
const BOOLEAN_VALUES = new Set(['on', 'off', 'true', 'false'])

/** The engine's custom setting that holds a Redshift-only one. */
export function engineSettingName(name: RedshiftSessionSetting): string {
  return `rk.${name}`
}

function invalid(name: string, value: string, rule: string): StatementError {
  return { sqlState: '22023', message: `invalid value for parameter "${name}": "${value}" (${rule})` }
}

/** Redshift's checks on a value, or null when it is acceptable. */
function validate(name: RedshiftSessionSetting, value: string): StatementError | null {
  if (BOOLEAN_SETTINGS.has(name)) {
    if (BOOLEAN_VALUES.has(value.toLowerCase())) return null
    return {
      sqlState: '22023',
      message: `parameter "${name}" requires a Boolean value: on, off, true or false`,
    }
  }
  if (name === 'wlm_query_slot_count') {
    const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN
    return n >= 1 && n <= 50 ? null : invalid(name, value, 'it must be an integer from 1 to 50')
  }
  if (name === 'analyze_threshold_percent') {
    const n = /^\d+(\.\d*)?$|^\.\d+$/.test(value) ? Number(value) : Number.NaN
    return n >= 0 && n <= 100 ? null : invalid(name, value, 'it must be a number from 0 to 100')
  }
  return null
}

/** The setting a name token stands for, when it is one of the Redshift-only ones. */
function redshiftSetting(ts: TokenStream, at: number): RedshiftSessionSetting | undefined {
  const name = ts.name(at)
  if (name === undefined || ts.is(ts.next(at), '.') || !SETTINGS.has(name)) return undefined
  return name as RedshiftSessionSetting
}

/**
 * The value of `SET x TO <value>` as Redshift would store it: a string literal's contents, a word folded
 * to lower case (as PostgreSQL folds identifiers), a number as written. Null for DEFAULT; undefined when
 * the tokens are not one value.
 */
function settingValue(ts: TokenStream, from: number): string | null | undefined {
  let k = from
  let sign = ''
  if (ts.is(k, '-') || ts.is(k, '+')) {
    sign = ts.tokens[k]!.text === '-' ? '-' : ''
    k = ts.next(k)
  }
  const end = ts.next(k)
  if (!(end < 0 || ts.is(end, ';'))) return undefined
  const token = ts.tokens[k]
  if (token === undefined) return undefined
  if (token.kind === 'number') return sign + token.text
  if (sign !== '') return undefined
  if (token.kind === 'word') return token.value === 'default' ? null : (token.value as string)
  if (token.kind === 'string') return stringValue(token) ?? undefined
  if (token.kind === 'quotedIdent') return token.value ?? undefined
  return undefined
}

function translateSet(ts: TokenStream, first: number): SessionTranslation | null {
  let k = ts.next(first)
  const scope = ts.word(k)
  const local = scope === 'local'
  if (scope === 'session' || local) k = ts.next(k)
  const name = redshiftSetting(ts, k)
  if (name === undefined) return null
  const to = ts.next(k)
  if (!(ts.word(to) === 'to' || ts.is(to, '='))) {
    return { sql: ts.sql, error: { sqlState: '42601', message: `expected TO or = after SET ${name}` } }
  }
  const value = settingValue(ts, ts.next(to))
  if (value === undefined) {
    return { sql: ts.sql, error: { sqlState: '42601', message: `SET ${name} takes a single value` } }
  }
  const error = value === null ? null : validate(name, value)
  if (error) return { sql: ts.sql, error }
  const target = `${local ? 'LOCAL ' : ''}${engineSettingName(name)}`
  const effect: StatementEffect = local
    ? { type: 'setting', name, value, local: true }
    : { type: 'setting', name, value }
  return { sql: `SET ${target} TO ${value === null ? 'DEFAULT' : quoteLiteral(value)}`, effect }
}

function translateReset(ts: TokenStream, first: number): SessionTranslation | null {
  const target = ts.next(first)
  if (ts.word(target) === 'all') {
    const effects = REDSHIFT_SESSION_SETTINGS.map(
      (name): StatementEffect => ({ type: 'setting', name, value: null }),
    )
    return { sql: ts.sql, effects }
  }
  const name = redshiftSetting(ts, target)
  if (name === undefined) return null
  return { sql: `RESET ${engineSettingName(name)}`, effect: { type: 'setting', name, value: null } }
}

function translateShow(ts: TokenStream, first: number): SessionTranslation | null {
  const name = redshiftSetting(ts, ts.next(first))
  if (name === undefined) return null
  return {
    sql: `SELECT pg_catalog.current_setting(${quoteLiteral(engineSettingName(name))}) AS ${name}`,
    response: { commandTag: 'SHOW' },
  }
}

/**
 * SET / RESET / SHOW of a Redshift-only setting, moved onto the engine's `rk.<name>` custom setting
 * (so SET LOCAL, ROLLBACK and SHOW behave as PostgreSQL's own settings do) and reported as an effect.
 * Returns null for any other setting: PostgreSQL shares those with Redshift and runs them itself.
 */
export function translateSessionCommand(ts: TokenStream, first: number): SessionTranslation | null {
  switch (ts.word(first)) {
    case 'set':
      return translateSet(ts, first)
    case 'reset':
      return translateReset(ts, first)
    case 'show':
      return translateShow(ts, first)
    default:
      return null
  }
}
