/**
 * The published defaults (user `awsuser` with password `Password1`, the local AWS access key) are fine
 * on the loopback interface and dangerous anywhere else: anyone who reaches the port logs in as a
 * superuser, or asks the AWS endpoint for superuser credentials. Listening elsewhere with them takes a
 * flag that says the user means it, and is warned about loudly.
 */
import { isIP } from 'node:net'
import { DEFAULT_ACCESS_KEY, type LocalAccessKey } from './aws/index.js'

/** The password of the default user, published in the README and in every example. */
export const DEFAULT_PASSWORD = 'Password1'

/** True when `host` names only this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase()
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h
  return isIP(v4) === 4 && v4.startsWith('127.')
}

/** What {@link insecureDefaults} looks at. */
export interface ExposureInput {
  readonly host: string
  readonly users: readonly { readonly name: string; readonly password: string }[]
  /** The AWS endpoint's access keys, or undefined when the endpoint is off. */
  readonly accessKeys: readonly LocalAccessKey[] | undefined
}

/** The published defaults in use, described for a person (empty when none). */
export function insecureDefaults(input: ExposureInput): string[] {
  const found = input.users
    .filter((u) => u.password === DEFAULT_PASSWORD)
    .map((u) => `user "${u.name}" has the published default password`)
  const defaultKey = input.accessKeys?.some(
    (k) =>
      k.accessKeyId === DEFAULT_ACCESS_KEY.accessKeyId ||
      k.secretAccessKey === DEFAULT_ACCESS_KEY.secretAccessKey,
  )
  if (defaultKey === true)
    found.push(`the AWS endpoint accepts the published access key ${DEFAULT_ACCESS_KEY.accessKeyId}`)
  return found
}

/**
 * Throws when `input.host` is not loopback and published defaults are in use, unless `allow`; returns
 * the warning to show loudly when it is allowed (undefined when there is nothing to warn about).
 *
 * @example
 * checkExposure({ host: '0.0.0.0', users: [{ name: 'awsuser', password: 'Password1' }], accessKeys: undefined }, false)
 * // throws: refusing to listen on 0.0.0.0 ...
 */
export function checkExposure(input: ExposureInput, allow: boolean): string | undefined {
  if (isLoopback(input.host)) return undefined
  const found = insecureDefaults(input)
  if (found.length === 0) return undefined
  const risk = `anyone who can reach ${input.host} can log in as a superuser`
  if (!allow) {
    throw new Error(
      `refusing to listen on ${input.host} with published defaults (${found.join('; ')}): ${risk}. ` +
        'Give your own passwords (users, or --user name:password:super) and access keys (aws.accessKeys), ' +
        'listen on 127.0.0.1, or pass allowInsecureDefaults: true (--allow-insecure-defaults) if you mean it',
    )
  }
  return `INSECURE: listening on ${input.host} with published defaults (${found.join('; ')}): ${risk}`
}
