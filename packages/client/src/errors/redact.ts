/**
 * Redaction of secrets from free text: error messages, server details and SQL.
 *
 * Redshift echoes statement text back in some errors, and COPY / UNLOAD / CREATE USER statements carry
 * secrets inline, so every error constructor passes its text through {@link redactSecrets}.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '***'

// A single-quoted SQL literal, doubled quotes included; an unterminated one (a truncated message) runs
// to the end of the text, so a cut-off secret is still hidden.
const QUOTED = "'(?:[^']|'')*(?:'|$)"

const KEYWORD_LITERALS = [
  'PASSWORD',
  'CREDENTIALS',
  'ACCESS_KEY_ID',
  'SECRET_ACCESS_KEY',
  'SESSION_TOKEN',
  'MASTER_SYMMETRIC_KEY',
]

const PATTERNS: readonly [RegExp, string][] = [
  // PASSWORD 'x', CREDENTIALS 'aws_access_key_id=...', ACCESS_KEY_ID 'AKIA...' (COPY/UNLOAD/CREATE USER).
  [
    new RegExp(String.raw`\b(${KEYWORD_LITERALS.join('|')})(\s+(?:AS\s+)?)${QUOTED}`, 'gi'),
    `$1$2'${REDACTED}'`,
  ],
  // PASSWORD md5abc... / PASSWORD sha256... without quotes is not valid SQL, but a bare word after
  // PASSWORD in a connection-ish string is: password=secret, pwd=secret.
  [
    /\b(password|pwd|secret_access_key|aws_secret_access_key|session_token|aws_session_token|token)(\s*=\s*)[^;&\s']+/gi,
    `$1$2${REDACTED}`,
  ],
  // The secret half of a key pair inside a CREDENTIALS-like value that escaped the rules above.
  [/\b(aws_access_key_id)(\s*=\s*)[^;&\s']+/gi, `$1$2${REDACTED}`],
  // Userinfo of a URL: scheme://user:secret@host
  [/(\b[a-z][a-z0-9+.:-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, `$1${REDACTED}@`],
  // AWS access key ids anywhere (AKIA... long-term, ASIA... temporary).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
]

/**
 * Hides passwords, AWS keys and session tokens in `text`: `PASSWORD '...'`, `CREDENTIALS '...'`,
 * `ACCESS_KEY_ID '...'`, `SECRET_ACCESS_KEY '...'`, `SESSION_TOKEN '...'`, `MASTER_SYMMETRIC_KEY '...'`,
 * `password=...`-style pairs, URL userinfo passwords and AWS access key ids.
 *
 * @example
 * redactSecrets("CREATE USER bob PASSWORD 'Secret1'")   // "CREATE USER bob PASSWORD '***'"
 */
export function redactSecrets(text: string): string {
  let out = text
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement)
  return out
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
