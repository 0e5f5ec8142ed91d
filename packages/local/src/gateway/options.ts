/** The gateway's public options and handle. */
import type { Engine } from '../engine/engine.js'
import type { WlmQueueConfig } from '../wlm/index.js'
import type { AuthMethod, TemporaryPasswordLookup } from './auth.js'
import type { CommandExecutor } from './command-executor.js'
import type { Dialect } from './dialect-seam.js'
import { type ListenerLimits, resolveListenerLimits } from './listener-limits.js'
import type { LocalUser } from './local-user.js'

export type { WlmQueueConfig } from '../wlm/index.js'
export type { LocalUser } from './local-user.js'

/** Options of `startGateway`. */
export interface GatewayOptions {
  /** Interface to listen on. @example '127.0.0.1' */
  readonly host: string
  /** Port to listen on; 0 picks a free one (read it from `Gateway.port`). @example 5439 */
  readonly port: number
  readonly engine: Engine
  readonly users: readonly LocalUser[]
  /** Manual WLM queues in routing order; the last is the default queue. Empty: one queue of 50 slots. */
  readonly wlm: readonly WlmQueueConfig[]
  /** PEM key and certificate: SSLRequest is answered `S` and the connection upgraded. @default no TLS */
  readonly tls?: { readonly key: string; readonly cert: string }
  /** Receives the gateway's own log lines (never passwords or SQL parameter values). */
  readonly onLog?: (line: string) => void
  /** How clients send passwords. @default 'md5' */
  readonly authMethod?: AuthMethod
  /** Temporary credentials (IAM), checked when a configured password does not match. */
  readonly temporaryPassword?: TemporaryPasswordLookup
  /** Database holding rk_internal, where bookkeeping is written. @default 'dev' */
  readonly database?: string
  /** The dialect translating Redshift SQL (a seam for tests). @default the package's dialect */
  readonly dialect?: Dialect
  /**
   * Runs COPY ... FROM 's3://...' and UNLOAD on the client's engine session (see command-executor.ts).
   * @default none: those statements fail with 0A000 "not available yet"
   */
  readonly commandExecutor?: CommandExecutor
  /** Connection cap, authentication timeout and login throttling. @default see {@link ListenerLimits} */
  readonly limits?: ListenerLimits
}

/** A running gateway. */
export interface Gateway {
  readonly host: string
  /** The port it listens on (the chosen one when `port` was 0). */
  readonly port: number
  /** Closes the listener, every client and engine connection and the bookkeeping; resolves when all are closed. */
  stop(): Promise<void>
}

/** Throws an error naming the bad option and how to fix it. */
export function validateGatewayOptions(options: GatewayOptions): void {
  if (typeof options.host !== 'string' || options.host === '') {
    throw new Error('gateway option host must be an interface address such as "127.0.0.1"')
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(
      `gateway option port must be an integer from 0 to 65535 (0 picks a free port), got ${options.port}`,
    )
  }
  const names = new Set<string>()
  for (const user of options.users) {
    if (typeof user.name !== 'string' || user.name === '')
      throw new Error('every gateway user needs a non-empty name')
    if (names.has(user.name))
      throw new Error(`gateway user "${user.name}" is listed twice; list each user once`)
    if (typeof user.password !== 'string' || user.password === '') {
      throw new Error(`gateway user "${user.name}" needs a non-empty password`)
    }
    names.add(user.name)
  }
  if (
    options.authMethod !== undefined &&
    options.authMethod !== 'md5' &&
    options.authMethod !== 'cleartext'
  ) {
    throw new Error(
      `gateway option authMethod must be 'md5' or 'cleartext', got ${String(options.authMethod)}`,
    )
  }
  if (options.tls !== undefined && (options.tls.key === '' || options.tls.cert === '')) {
    throw new Error('gateway option tls needs both a PEM key and a PEM certificate')
  }
  resolveListenerLimits(options.limits)
  if (options.commandExecutor !== undefined && typeof options.commandExecutor !== 'function') {
    throw new Error(
      'gateway option commandExecutor must be a function (command, ctx) => Promise<CommandOutcome>',
    )
  }
}
