import { quoteLiteral, stringValue } from './lexer.js'
import type { Rewriter } from './rewriter.js'
import type { StatementError } from './translation.js'

/** An MD5 password as Redshift and PostgreSQL store it: `md5` + md5(password + user) in hex. */
const MD5_FORM = /^md5[0-9a-f]{32}$/

/**
 * Redshift's rules for a password given in clear: 8 to 64 characters with an upper-case letter, a
 * lower-case letter and a digit. The messages are ours (Redshift's wording is unverified).
 */
function weakPassword(password: string): string | null {
  if (password.length < 8 || password.length > 64) return 'password must be 8 to 64 characters long'
  if (!/[A-Z]/.test(password)) return 'password must contain an uppercase character'
  if (!/[a-z]/.test(password)) return 'password must contain a lowercase character'
  if (!/[0-9]/.test(password)) return 'password must contain a number'
  return null
}

/**
 * `CREATE USER` / `ALTER USER` with Redshift's password forms: in clear (checked against Redshift's
 * rules), `'md5<hash>'` (stored as given), `'sha256|<password>'` (the password, stored in the engine's
 * MD5 form like the others, so the gateway can check logins), and `PASSWORD DISABLE` (`PASSWORD NULL`).
 * The salted `'sha256|<digest>|<salt>'` form cannot be checked by an MD5 login and is refused.
 * Returns an error to answer, or null (rewrites registered on `rw`).
 */
export function rewriteUserPassword(rw: Rewriter, first: number): StatementError | null {
  const { ts } = rw
  const verb = ts.word(first)
  const object = ts.next(first)
  if ((verb !== 'create' && verb !== 'alter') || ts.word(object) !== 'user') return null
  for (let k = ts.next(object); k >= 0; k = ts.next(k)) {
    if (ts.word(k) !== 'password') continue
    const value = ts.next(k)
    if (ts.word(value) === 'disable') {
      rw.replace(value, value + 1, 'NULL')
      continue
    }
    const token = ts.tokens[value]
    const password = token === undefined ? null : stringValue(token)
    if (password === null || MD5_FORM.test(password)) continue
    let clear = password
    if (password.startsWith('sha256|')) {
      const parts = password.split('|')
      if (parts.length !== 2) {
        return {
          sqlState: '0A000',
          message:
            "PASSWORD 'sha256|<digest>|<salt>' is not available in redshift-local: give 'sha256|<password>', 'md5<hash>' or the password",
        }
      }
      clear = parts[1] as string
      rw.replace(value, value + 1, quoteLiteral(clear))
    }
    const weak = weakPassword(clear)
    if (weak !== null) return { sqlState: '22023', message: weak }
  }
  return null
}
