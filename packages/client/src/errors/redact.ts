/**
 * Redaction of secrets and literals from free text: error messages, server details, SQL.
 *
 * Redshift echoes statement text back in some errors, and COPY / UNLOAD / CREATE USER statements carry
 * secrets inline, so every error constructor passes its text through {@link redactSecrets}. SQL is
 * read with the Redshift lexer of `@redshift-kit/dialect`, never with patterns: a literal is whatever
 * the lexer says it is (`'...'` with doubled quotes, `E'...'` with backslash escapes, `U&'...'`,
 * `$$...$$`, `$tag$...$tag$`), and comments between a keyword and its literal are skipped as the
 * server skips them.
 */
import { type Token, tokenize } from '@redshift-kit/dialect'

/** What a redacted secret is replaced with. */
export const REDACTED = '***'

/** Keywords whose next literal is a secret (CREATE/ALTER USER, COPY, UNLOAD). */
const SECRET_KEYWORDS = new Set([
  'password',
  'credentials',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'master_symmetric_key',
])
/** Words that may stand between such a keyword and its literal (`CREDENTIALS AS '...'`). */
const NOISE_WORDS = new Set(['as'])
const HAS_SECRET_KEYWORD =
  /password|credentials|access_key_id|secret_access_key|session_token|master_symmetric_key/i

// Free text that is not SQL: connection strings, URLs, and AWS key ids quoted in messages. Each
// pattern comes with text it cannot match without (checked first with indexOf: every error the client
// makes passes through here, and most messages contain none of it).
const TEXT_PATTERNS: readonly (readonly [RegExp, string, (text: string) => boolean])[] = [
  // password=secret, pwd=secret, aws_secret_access_key=..., token=... (connection strings, CREDENTIALS values).
  [
    /\b(password|pwd|secret_access_key|aws_secret_access_key|session_token|aws_session_token|token|aws_access_key_id)(\s*=\s*)[^;&\s']+/gi,
    `$1$2${REDACTED}`,
    (text) => text.includes('='),
  ],
  // Userinfo of a URL: scheme://user:secret@host
  [
    /(\b[a-z][a-z0-9+.:-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi,
    `$1${REDACTED}@`,
    (text) => text.includes('://') && text.includes('@'),
  ],
  // AWS access key ids anywhere (AKIA... long-term, ASIA... temporary).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED, (text) => text.includes('AKIA') || text.includes('ASIA')],
]

/** `text` with the free-text patterns applied (those whose anchor text is present). */
function redactTextPatterns(text: string): string {
  let out = text
  for (const [pattern, replacement, possible] of TEXT_PATTERNS) {
    if (possible(out)) out = out.replace(pattern, replacement)
  }
  return out
}

/**
 * Where a plain `'...'` literal opened at `open` ends when backslashes escape (Redshift's reading of
 * ordinary literals, from its PostgreSQL 8.0 heritage); -1 when it runs to the end of the text.
 */
function backslashLiteralEnd(text: string, open: number): number {
  let i = open + 1
  while (i < text.length) {
    const c = text[i]
    if (c === '\\') i += 2
    else if (c === "'" && text[i + 1] === "'") i += 2
    else if (c === "'") return i + 1
    else i++
  }
  return -1
}

/**
 * The tokens of `text` with their spans, under one of the two readings of a plain `'...'` literal:
 * standard (a backslash is an ordinary character: PostgreSQL) or with backslash escapes (Redshift,
 * from its PostgreSQL 8.0 heritage). Text means different things under the two when a literal holds
 * `\'` or ends in `\`; callers hide what is a literal under either reading, so neither leaves a
 * secret in the clear. Under the backslash reading, lexing resumes after each such literal.
 */
function* tokenSpans(
  text: string,
  backslashEscapes: boolean,
): Generator<{ token: Token; start: number; end: number }> {
  let offset = 0
  for (;;) {
    let resumeAt: number | undefined
    for (const token of tokenize(text.slice(offset))) {
      const start = offset + token.start
      let end = offset + token.end
      if (backslashEscapes && token.kind === 'string' && text[start] === "'") {
        const other = backslashLiteralEnd(text, start)
        const escapedEnd = other === -1 ? text.length : other
        if (escapedEnd !== end) {
          end = escapedEnd
          resumeAt = escapedEnd
        }
      }
      yield { token, start, end }
      if (resumeAt !== undefined) break
    }
    if (resumeAt === undefined || resumeAt >= text.length) return
    offset = resumeAt
  }
}

/** Spans sorted and merged where they touch or overlap. */
function mergeSpans(spans: [number, number][]): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const span of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && span[0] <= last[1]) last[1] = Math.max(last[1], span[1])
    else out.push([span[0], span[1]])
  }
  return out
}

function isLiteral(token: Token): boolean {
  return token.kind === 'string' || token.kind === 'dollarString'
}

/** `text` with the spans replaced by `replacement`. */
function replaceSpans(
  text: string,
  spans: readonly (readonly [number, number])[],
  replacement: string,
): string {
  let out = ''
  let at = 0
  for (const [start, end] of spans) {
    out += text.slice(at, start) + replacement
    at = end
  }
  return out + text.slice(at)
}

/**
 * The spans of the literals that follow a secret keyword (skipping whitespace, comments and AS),
 * under both readings of backslashes, merged.
 */
function secretLiteralSpans(text: string): [number, number][] {
  const spans: [number, number][] = []
  for (const backslashEscapes of [false, true]) {
    let armed = false
    for (const { token, start, end } of tokenSpans(text, backslashEscapes)) {
      if (token.kind === 'whitespace' || token.kind === 'comment') continue
      if (token.kind === 'word' && SECRET_KEYWORDS.has(token.value ?? '')) {
        armed = true
        continue
      }
      if (armed && token.kind === 'word' && NOISE_WORDS.has(token.value ?? '')) continue
      if (armed && isLiteral(token)) spans.push([start, end])
      armed = false
    }
  }
  return mergeSpans(spans)
}

/**
 * Hides passwords, AWS keys and session tokens in `text`: the literal after `PASSWORD`,
 * `CREDENTIALS`, `ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`, `SESSION_TOKEN` and `MASTER_SYMMETRIC_KEY`
 * in every form the lexer knows (quoted, `E'...'`, `U&'...'`, dollar-quoted, with comments before
 * it, cut off by a truncated message), `password=...`-style pairs, URL userinfo passwords and AWS
 * access key ids.
 *
 * @example
 * redactSecrets("CREATE USER bob PASSWORD 'Secret1'")           // "CREATE USER bob PASSWORD '***'"
 * redactSecrets("ALTER USER bob PASSWORD /* new *\/ $$Secret1$$") // "ALTER USER bob PASSWORD /* new *\/ '***'"
 */
export function redactSecrets(text: string): string {
  const out = HAS_SECRET_KEYWORD.test(text)
    ? replaceSpans(text, secretLiteralSpans(text), `'${REDACTED}'`)
    : text
  return redactTextPatterns(out)
}

/**
 * {@link redactSecrets} for optional values: `undefined` stays `undefined`.
 *
 * @example
 * redactOptional(undefined) // undefined
 */
export function redactOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactSecrets(text)
}

/**
 * SQL with every literal value replaced by `?`, for logs and telemetry: string literals of every form
 * (`'...'`, `E'...'`, `U&'...'`, `B'...'`, `X'...'`, `N'...'`, dollar-quoted bodies) and numbers.
 * Keywords, names, operators, `$n` placeholders and comments are kept, so the statement's shape stays
 * readable and two runs of one statement with different values read the same. Secrets outside
 * literals (URLs with a password, AWS key ids) are hidden too.
 *
 * @example
 * redactSqlLiterals("SELECT * FROM users WHERE email = 'ada@example.com' AND age > 40 AND id = $1")
 * // "SELECT * FROM users WHERE email = ? AND age > ? AND id = $1"
 */
export function redactSqlLiterals(sql: string): string {
  const spans: [number, number][] = []
  for (const backslashEscapes of [false, true]) {
    for (const { token, start, end } of tokenSpans(sql, backslashEscapes)) {
      if (isLiteral(token) || token.kind === 'number') spans.push([start, end])
    }
  }
  return redactTextPatterns(replaceSpans(sql, mergeSpans(spans), '?'))
}
