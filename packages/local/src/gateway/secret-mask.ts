/**
 * Masks secrets in statement text before the gateway records it (STL_QUERY, SYS_QUERY_HISTORY,
 * STV_RECENTS, ...), as Redshift shows them: the value after PASSWORD, CREDENTIALS, ACCESS_KEY_ID,
 * SECRET_ACCESS_KEY, SESSION_TOKEN or MASTER_SYMMETRIC_KEY becomes `'***'`. Found with the lexer, so a
 * comment between keyword and value, `E'...'`, `U&'...'`, dollar quoting and doubled or escaped quotes
 * hide nothing, and a string that merely contains the word `password` is left alone.
 */
import { isSignificant, type Token, tokenize } from '@redshift-kit/dialect'

/** What a masked value reads as. */
export const MASKED_VALUE = "'***'"

/** Keywords whose next string is a secret. */
const SECRET_KEYWORDS: ReadonlySet<string> = new Set([
  'password',
  'credentials',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'master_symmetric_key',
])

// A cheap pre-check on the hot path: only text containing one of the keywords is tokenized. It decides
// nothing by itself; the lexer does.
const MAY_HOLD_SECRET = /password|credentials|access_key|session_token|symmetric_key/i

function isValue(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'string' || token.kind === 'dollarString')
}

/** The index of the next significant token after `k`, or tokens.length. */
function nextSignificant(tokens: readonly Token[], k: number): number {
  let j = k + 1
  while (j < tokens.length && !isSignificant(tokens[j] as Token)) j++
  return j
}

/** A dollar-quoted body may be a procedure's or DO block's SQL: its statements are masked too. */
function maskDollarBody(text: string): string {
  const tagEnd = text.indexOf('$', 1)
  const tag = text.slice(0, tagEnd + 1)
  if (tagEnd < 0 || text.length < 2 * tag.length || !text.endsWith(tag)) return text
  const body = text.slice(tag.length, text.length - tag.length)
  const masked = maskSecrets(body)
  return masked === body ? text : `${tag}${masked}${tag}`
}

/**
 * `sql` with every secret value replaced by {@link MASKED_VALUE}; the same string when it has none.
 *
 * @example
 * maskSecrets("create user bob password /* pw *\/ E'it''s\\'secret'")
 * // "create user bob password /* pw *\/ '***'"
 * maskSecrets("copy t from 's3://b/k' access_key_id 'AKIA...' secret_access_key 'abc'")
 * // "copy t from 's3://b/k' access_key_id '***' secret_access_key '***'"
 */
export function maskSecrets(sql: string): string {
  if (!MAY_HOLD_SECRET.test(sql)) return sql
  const tokens = tokenize(sql)
  let out = ''
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] as Token
    if (token.kind === 'dollarString') {
      out += maskDollarBody(token.text)
      continue
    }
    out += token.text
    if (token.kind !== 'word' || !SECRET_KEYWORDS.has(token.value ?? '')) continue
    let j = nextSignificant(tokens, k)
    if (tokens[j]?.kind === 'word' && tokens[j]?.value === 'as') j = nextSignificant(tokens, j)
    if (!isValue(tokens[j])) continue
    // Whitespace, comments and AS between keyword and value are kept; the value is not.
    for (let m = k + 1; m < j; m++) out += (tokens[m] as Token).text
    out += MASKED_VALUE
    k = j
  }
  return out
}
