/**
 * Bounds on what a client can hold before it has logged in: time, message size, connections, and the
 * pace of password guesses. PostgreSQL's own values where it has them (a startup packet of at most
 * 10,000 bytes, an authentication message of at most 65,535, authentication_timeout).
 */

/** Limits of the gateway's listener (`GatewayOptions.limits`, `LocalRedshiftOptions.limits`). */
export interface ListenerLimits {
  /**
   * Client connections held at once, logged in or not. One more is answered with FATAL 53300 ("too many
   * connections") and closed at once, so idle sockets cannot exhaust file descriptors.
   * @default 500 (Redshift's limit of user connections)
   */
  readonly maxConnections?: number
  /**
   * Time from accepting a connection to a checked password (TLS, startup, password included). Past it
   * the connection is ended with FATAL 57014 "canceling authentication due to timeout".
   * @default 30_000
   */
  readonly authenticationTimeoutMs?: number
  /**
   * Longest pause before a login of the same user from the same address is checked, once that pair has
   * failed more than {@link FREE_LOGIN_FAILURES} times in a row; the pause doubles from 100 ms with
   * each further failure up to this, and attempts wait their turn one after the other. 0 turns the
   * throttling off.
   * @default 2_000
   */
  readonly maxLoginDelayMs?: number
}

/** Largest message accepted before login, the password message (PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH). */
export const MAX_AUTH_MESSAGE_BYTES = 65_535

/** Failed logins of a user from an address that cost nothing (typos). */
export const FREE_LOGIN_FAILURES = 5

/** The limits with every default filled in. */
export type ResolvedListenerLimits = Required<ListenerLimits>

export const DEFAULT_LISTENER_LIMITS: ResolvedListenerLimits = Object.freeze({
  maxConnections: 500,
  authenticationTimeoutMs: 30_000,
  maxLoginDelayMs: 2_000,
})

function check(name: keyof ListenerLimits, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`limits.${name} must be an integer of at least ${min}, got ${String(value)}`)
  }
  return value
}

/**
 * The limits with defaults filled in; throws an error naming the bad field.
 *
 * @example
 * resolveListenerLimits({ maxConnections: 100 }) // { maxConnections: 100, authenticationTimeoutMs: 30000, maxLoginDelayMs: 2000 }
 */
export function resolveListenerLimits(limits: ListenerLimits = {}): ResolvedListenerLimits {
  const d = DEFAULT_LISTENER_LIMITS
  return Object.freeze({
    maxConnections: check('maxConnections', limits.maxConnections ?? d.maxConnections, 1),
    authenticationTimeoutMs: check(
      'authenticationTimeoutMs',
      limits.authenticationTimeoutMs ?? d.authenticationTimeoutMs,
      1,
    ),
    maxLoginDelayMs: check('maxLoginDelayMs', limits.maxLoginDelayMs ?? d.maxLoginDelayMs, 0),
  })
}
