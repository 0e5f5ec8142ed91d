/** Password checks: PostgreSQL's MD5 challenge and cleartext, the two methods both Redshift drivers speak. */
import { createHash, timingSafeEqual } from 'node:crypto'

/** How the gateway asks clients for their password. SCRAM is never offered: the Redshift JDBC driver cannot do it. */
export type AuthMethod = 'md5' | 'cleartext'

/**
 * Temporary credentials (IAM `GetClusterCredentials` and the like): the password valid right now for
 * `user`, or undefined when it has none. Checked after the configured users' passwords.
 */
export type TemporaryPasswordLookup = (user: string) => string | undefined | Promise<string | undefined>

const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex')

/** What an MD5-authenticating client sends: `md5` + md5(md5(password + user) + salt). */
export function md5Response(user: string, password: string, salt: Buffer): string {
  const inner = md5Hex(`${password}${user}`)
  return `md5${md5Hex(Buffer.concat([Buffer.from(inner, 'utf8'), salt]))}`
}

function equalStrings(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

/** True when the client's password message proves it knows `password` (compared in constant time). */
export function passwordMatches(
  method: AuthMethod,
  response: string,
  user: string,
  password: string,
  salt: Buffer,
): boolean {
  const expected = method === 'md5' ? md5Response(user, password, salt) : password
  return equalStrings(response, expected)
}

/**
 * True when the client's password message proves it knows the password behind `stored`, the engine's
 * MD5 form (`md5` + md5(password + user)): the MD5 challenge is answered from the hash itself, as
 * PostgreSQL and Redshift do; a cleartext password is hashed and compared. Constant time.
 */
export function storedPasswordMatches(
  method: AuthMethod,
  response: string,
  user: string,
  stored: string,
  salt: Buffer,
): boolean {
  if (!/^md5[0-9a-f]{32}$/.test(stored)) return false
  const expected =
    method === 'md5' ? `md5${md5Hex(Buffer.concat([Buffer.from(stored.slice(3), 'utf8'), salt]))}` : stored
  const given = method === 'md5' ? response : `md5${md5Hex(`${response}${user}`)}`
  return equalStrings(given, expected)
}
