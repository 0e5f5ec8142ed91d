/**
 * DATEFORMAT and TIMEFORMAT as COPY reads them (DG `r_DATEFORMAT_and_TIMEFORMAT_strings`): a format
 * such as `'MM/DD/YYYY HH12:MI:SS AM'` compiles to a parser that yields the value in ISO form, which
 * the engine reads whatever its DateStyle. `'auto'` tries the formats Redshift recognises.
 */

/** A parsed date or time, in ISO text the engine accepts. */
export type DateTimeParse = { readonly ok: true; readonly iso: string } | { readonly ok: false }

/** What a compiled format parses. */
export type DateTimeParser = (value: string) => DateTimeParse

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]

// Longest tokens first, so MONTH wins over MON and HH24 over HH.
const TOKENS: ReadonlyArray<readonly [string, string, string]> = [
  ['YYYY', 'year', '(\\d{4})'],
  ['MONTH', 'monthName', '([A-Za-z]+)'],
  ['HH24', 'hour', '(\\d{1,2})'],
  ['HH12', 'hour12', '(\\d{1,2})'],
  ['MON', 'monthAbbr', '([A-Za-z]{3})'],
  ['YY', 'year2', '(\\d{2})'],
  ['MM', 'month', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{1,2})'],
  ['MI', 'minute', '(\\d{2})'],
  ['SS', 'second', '(\\d{2})(?:\\.(\\d{1,6}))?'],
  ['AM', 'ampm', '([AaPp][Mm])'],
  ['PM', 'ampm', '([AaPp][Mm])'],
  ['OF', 'offset', '([+-]\\d{1,2}(?::?\\d{2})?|Z)'],
]

interface Parts {
  year?: number
  month?: number
  day?: number
  hour?: number
  minute?: number
  second?: number
  fraction?: string
  pm?: boolean
  twelve?: boolean
  offset?: string
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Compiles a DATEFORMAT / TIMEFORMAT string. `kind` says what the value must hold: a date alone, or a
 * timestamp (a date-only format then yields midnight).
 */
export function compileFormat(format: string, kind: 'date' | 'timestamp'): DateTimeParser {
  const setters: Array<(m: string, p: Parts, fraction?: string) => boolean> = []
  let pattern = '^\\s*'
  let i = 0
  const upper = format.toUpperCase()
  while (i < format.length) {
    const token = TOKENS.find(([t]) => upper.startsWith(t, i))
    if (token === undefined) {
      // Redshift matches any separator character loosely; a space also matches a `T`.
      const ch = format[i] as string
      pattern +=
        ch === ' ' ? '[\\sT]+' : /[A-Za-z0-9]/.test(ch) ? escapeRegex(ch) : `[${escapeRegex(ch)}\\s/.:-]?`
      i++
      continue
    }
    const [text, part, re] = token
    pattern += re
    setters.push(setterFor(part))
    i += text.length
  }
  const regex = new RegExp(`${pattern}\\s*$`)
  return (value) => {
    const m = regex.exec(value)
    if (!m) return { ok: false }
    const p: Parts = {}
    let g = 1
    for (const set of setters) {
      const v = m[g++] as string
      const extra = set === secondSetter ? m[g++] : undefined
      if (!set(v, p, extra)) return { ok: false }
    }
    return toIso(p, kind)
  }
}

const secondSetter = (v: string, p: Parts, fraction?: string): boolean => {
  p.second = Number(v)
  if (fraction !== undefined) p.fraction = fraction
  return true
}

function setterFor(part: string): (v: string, p: Parts, fraction?: string) => boolean {
  switch (part) {
    case 'year':
      return (v, p) => {
        p.year = Number(v)
        return true
      }
    case 'year2':
      // Two-digit years: 00-69 are 2000s, 70-99 are 1900s, as PostgreSQL and Redshift read them.
      return (v, p) => {
        p.year = Number(v) + (Number(v) < 70 ? 2000 : 1900)
        return true
      }
    case 'month':
      return (v, p) => {
        p.month = Number(v)
        return true
      }
    case 'monthAbbr':
      return (v, p) => {
        p.month = MONTHS.indexOf(v.toLowerCase()) + 1
        return p.month > 0
      }
    case 'monthName':
      return (v, p) => {
        const l = v.toLowerCase()
        p.month = MONTH_NAMES.indexOf(l) + 1 || MONTHS.indexOf(l) + 1
        return p.month > 0
      }
    case 'day':
      return (v, p) => {
        p.day = Number(v)
        return true
      }
    case 'hour':
      return (v, p) => {
        p.hour = Number(v)
        return true
      }
    case 'hour12':
      return (v, p) => {
        p.hour = Number(v)
        p.twelve = true
        return true
      }
    case 'minute':
      return (v, p) => {
        p.minute = Number(v)
        return true
      }
    case 'second':
      return secondSetter
    case 'ampm':
      return (v, p) => {
        p.pm = v.toLowerCase() === 'pm'
        p.twelve = true
        return true
      }
    default:
      return (v, p) => {
        p.offset = v
        return true
      }
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function toIso(p: Parts, kind: 'date' | 'timestamp'): DateTimeParse {
  const year = p.year ?? 1900
  const month = p.month ?? 1
  const day = p.day ?? 1
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false }
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`
  if (kind === 'date') return { ok: true, iso: date }
  let hour = p.hour ?? 0
  if (p.twelve) {
    if (hour < 1 || hour > 12) return { ok: false }
    if (p.pm === true && hour < 12) hour += 12
    if (p.pm !== true && hour === 12) hour = 0
  }
  const minute = p.minute ?? 0
  const second = p.second ?? 0
  if (hour > 23 || minute > 59 || second > 59) return { ok: false }
  const fraction = p.fraction === undefined ? '' : `.${p.fraction}`
  const offset = p.offset === undefined ? '' : p.offset === 'Z' ? '+00' : p.offset
  return { ok: true, iso: `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${offset}` }
}

/** `YYYY-MM-DD` with an optional ` HH:MI:SS[.ffffff]` and offset: what the engine reads as is. */
const ISO =
  /^(\d{4}-\d{2}-\d{2})( (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:[+-]\d{2}(?::?\d{2})?)?)?$/

function validDate(text: string): boolean {
  const month = Number(text.slice(5, 7))
  const day = Number(text.slice(8, 10))
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(text.slice(0, 4)), month)
}

/** The formats `'auto'` recognises (DG "Using automatic recognition with DATEFORMAT and TIMEFORMAT"). */
const AUTO_DATE_FORMATS = [
  'YYYY-MM-DD',
  'MM/DD/YYYY',
  'YYYYMMDD',
  'MON DD, YYYY',
  'MONTH DD, YYYY',
  'DD MON YYYY',
  'DD-MON-YYYY',
  'DD-MON-YY',
  'YYYY.MM.DD',
  'MM.DD.YYYY',
  'MM-DD-YYYY',
  'MM/DD/YY',
]
const AUTO_TIME_SUFFIXES = [
  '',
  ' HH24:MI:SS',
  ' HH24:MI',
  ' HH12:MI:SS AM',
  ' HH12:MI AM',
  ' HH24:MI:SSOF',
  ' HH24:MI:SS OF',
]

/** The parser of a DATEFORMAT / TIMEFORMAT value (null: the default), for a DATE or TIMESTAMP[TZ] column. */
export function dateTimeParser(
  format: string | null,
  kind: 'date' | 'timestamp' | 'timestamptz',
): DateTimeParser {
  const target = kind === 'date' ? 'date' : 'timestamp'
  if (format === 'epochsecs' || format === 'epochmillisecs') {
    const scale = format === 'epochsecs' ? 1000 : 1
    return (value) => {
      const text = value.trim()
      if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false }
      const ms = Number(text) * scale
      const d = new Date(ms)
      if (Number.isNaN(d.getTime())) return { ok: false }
      const micros = Math.round((ms - Math.floor(ms)) * 1000)
      const iso = `${d.toISOString().slice(0, 19).replace('T', ' ')}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`
      return {
        ok: true,
        iso: target === 'date' ? iso.slice(0, 10) : kind === 'timestamptz' ? `${iso}+00` : iso,
      }
    }
  }
  let formats: string[]
  if (format === 'auto') {
    formats =
      target === 'date'
        ? AUTO_DATE_FORMATS
        : AUTO_DATE_FORMATS.flatMap((d) => AUTO_TIME_SUFFIXES.map((t) => d + t))
  } else if (format === null) {
    // The defaults: YYYY-MM-DD, and YYYY-MM-DD HH:MI:SS with optional fraction (and offset for TIMESTAMPTZ).
    formats =
      target === 'date' ? ['YYYY-MM-DD'] : ['YYYY-MM-DD HH24:MI:SSOF', 'YYYY-MM-DD HH24:MI:SS', 'YYYY-MM-DD']
  } else {
    formats = [format]
  }
  const parsers = formats.map((f) => compileFormat(f, target))
  // The default formats' common case, without the general parser's regular expression per format.
  const iso = format === null || format === 'auto' ? ISO : null
  return (value) => {
    if (iso !== null) {
      const m = iso.exec(value)
      if (m && (target === 'timestamp' || m[2] === undefined) && validDate(m[1] as string))
        return { ok: true, iso: target === 'date' ? (m[1] as string) : value }
    }
    for (const parse of parsers) {
      const r = parse(value)
      if (r.ok) return r
    }
    return { ok: false }
  }
}
