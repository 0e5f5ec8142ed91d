import { quoteIdentifier } from './lexer.js'
import type { Rewriter } from './rewriter.js'

/**
 * Redshift's role syntax as PostgreSQL's:
 *
 * - `GRANT ROLE r [, ROLE r2] TO ...` / `REVOKE ROLE r FROM ...` -> `GRANT r TO ...` / `REVOKE r FROM ...`;
 * - `TO ROLE r` / `FROM ROLE r` among the grantees of any GRANT / REVOKE -> `TO r` / `FROM r`;
 * - the system roles `sys:dba`, `sys:superuser`, ... (words around a `:`) -> the quoted name `"sys:dba"`,
 *   in GRANT, REVOKE, CREATE / DROP ROLE and SET ROLE.
 *
 * @example
 * // GRANT ROLE sys:dba TO alice, ROLE analysts  ->  GRANT "sys:dba" TO alice, analysts
 */
export function rewriteRoleSyntax(rw: Rewriter, first: number): void {
  const { ts } = rw
  const verb = ts.word(first)
  const isGrant = verb === 'grant' || verb === 'revoke'
  const isRoleDdl =
    (verb === 'create' || verb === 'drop' || verb === 'set') && ts.word(ts.next(first)) === 'role'
  if (!isGrant && !isRoleDdl) return
  let depth = 0
  for (let k = ts.next(first); k >= 0; k = ts.next(k)) {
    if (ts.is(k, '(')) depth++
    else if (ts.is(k, ')')) depth--
    if (depth !== 0) continue
    const w = ts.word(k)
    // `sys:name`: a system role, written without quotes.
    if (w === 'sys' && ts.is(ts.next(k), ':') && ts.word(ts.next(ts.next(k))) !== undefined) {
      const name = ts.next(ts.next(k))
      rw.replace(k, name + 1, quoteIdentifier(`sys:${ts.word(name)}`))
      k = name
      continue
    }
    if (!isGrant || w !== 'role') continue
    const before = ts.prev(k)
    // ROLE right after GRANT / REVOKE, after a comma, or after TO / FROM names a role: drop the word.
    const drop =
      before === first ||
      ts.is(before, ',') ||
      ts.word(before) === 'to' ||
      ts.word(before) === 'from' ||
      (ts.word(before) === 'for' && ts.word(ts.prev(before)) === 'option')
    if (drop && ts.next(k) >= 0 && (ts.name(ts.next(k)) !== undefined || ts.word(ts.next(k)) === 'sys')) {
      rw.remove(k, k)
    }
  }
}
