import type { Transport } from '../transport/transport.js'

/**
 * Options of {@link createClient} beyond the configuration.
 *
 * @example
 * const recorder = new QueryRecorder()
 * const client = createClient(config, { wrapTransport: (t) => recorder.wrap(t), asyncResultTtlMs: 60_000 })
 */
export interface ClientOptions {
  /**
   * The transport to run over instead of the one the configuration describes (the simulation kit's
   * mock and replay transports, or a custom one).
   */
  readonly transport?: Transport
  /**
   * Wraps the transport the client would use (the simulation kit's `QueryRecorder` records through
   * it): called once, with the configured or given transport, and the client runs over what it returns.
   */
  readonly wrapTransport?: (transport: Transport) => Transport
  /**
   * How long an async query's handle and unfetched result are kept after it ends.
   * @default 600000 (10 minutes)
   */
  readonly asyncResultTtlMs?: number
}

/**
 * Options of a single call.
 *
 * @example
 * const controller = new AbortController()
 * const tx = await client.beginTransaction({ signal: controller.signal })
 */
export interface CallOptions {
  /** Gives up waiting for a connection (and between retries) when aborted. */
  readonly signal?: AbortSignal
}
