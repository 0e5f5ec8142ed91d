import type { CredentialsStatus } from '../credentials/credentials-provider.js'

/** A step of a transport that telemetry shows as a span of its own. */
export type TransportStep = 'pool.acquire' | 'connect' | 'credentials'

/**
 * What a transport tells the client's observability about its connections: the steps under a
 * statement (as spans), connections opened and closed, and acquire waits. Every member is optional
 * for a transport to call and must not throw.
 *
 * @example
 * const observer: TransportObserver = { step: (name, fn) => fn(), connected: (i) => console.log('connected in', i.durationMs) }
 */
export interface TransportObserver {
  /** Runs a step (in a span, when telemetry is on). */
  step<T>(name: TransportStep, fn: () => Promise<T>): Promise<T>
  /** A connection was opened (login included). */
  connected?(info: { readonly durationMs: number; readonly tls: boolean }): void
  /** Opening a connection failed. */
  connectFailed?(error: unknown, durationMs: number): void
  /** A connection was closed (idle, lifetime, broken, client closed). */
  disconnected?(info: { readonly reason?: unknown }): void
  /** A caller got a connection after waiting `waitMs`. */
  acquired?(waitMs: number): void
  /** Gives the observer a reader of the login credentials' status (for their age and fetch count). */
  watchCredentials?(status: () => CredentialsStatus): void
}
