import type { RedshiftConfigData } from '../config/resolve-config.js'
import type { CredentialsProvider, CredentialsStatus } from '../credentials/credentials-provider.js'
import type { LoginCredentials } from '../credentials/login-credentials.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import type { TransportDiagnostics } from '../transport/transport.js'
import type { TransportObserver } from '../transport/transport-observer.js'
import { wireTls } from '../transport/wire/tls-options.js'
import {
  type WireCredentials,
  WireTransport,
  type WireTransportOptions,
} from '../transport/wire/wire-transport.js'
import { createTypeParsers } from '../types/type-parsers.js'

/**
 * The wire transport built for a configuration: the module that loads `pg` and the socket code,
 * imported by `wireTransportFromConfig` only when a client first uses the wire, so a client of
 * the Data API never loads them.
 */

/** What diagnostics add for a transport that logs in through a credentials provider. */
export interface CredentialedDiagnostics extends TransportDiagnostics {
  /** The auth method and the credentials' expiry; never the credentials. */
  readonly credentials: CredentialsStatus
}

/** The wire transport, reporting its credentials' status (method, user, expiry) in diagnostics. */
class CredentialedWireTransport extends WireTransport {
  readonly #provider: CredentialsProvider

  constructor(options: WireTransportOptions, provider: CredentialsProvider) {
    super(options)
    this.#provider = provider
  }

  override async diagnostics(): Promise<CredentialedDiagnostics> {
    return { ...(await super.diagnostics()), credentials: this.#provider.status() }
  }

  override async close(): Promise<void> {
    await super.close()
    this.#provider.close?.()
  }
}

/** Where to connect, once known (from the configuration, or from a Secrets Manager secret). */
export interface Target {
  readonly host: string
  readonly port: number
  readonly database: string
}

export function wireTransport(
  config: RedshiftConfigData,
  target: Target,
  provider: CredentialsProvider,
  onError: (error: RedshiftError) => void,
  observer: TransportObserver | undefined,
): WireTransport {
  return new CredentialedWireTransport(
    {
      host: target.host,
      port: target.port,
      database: target.database,
      credentials: () => provider.get(),
      credentialsRejected: (credentials: WireCredentials) => provider.reject(credentials as LoginCredentials),
      authMethod: provider.method,
      tls: wireTls({
        sslMode: config.sslMode,
        host: target.host,
        ...(config.sslCa === undefined ? {} : { sslCa: config.sslCa }),
        ...(config.sslRootCertPath === undefined ? {} : { sslRootCertPath: config.sslRootCertPath }),
      }),
      sslMode: config.sslMode,
      connectTimeoutMs: config.connectionTimeoutMs,
      pool: {
        max: config.poolSize,
        min: config.minConnections,
        acquireTimeoutMs: config.connectionTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        maxLifetimeMs: config.maxLifetimeMs,
        validateAfterIdleMs: config.validateAfterIdleMs,
        pipelineDepth: config.pipelineDepth,
      },
      types: createTypeParsers(config.typeParsers),
      applicationName: config.applicationName,
      keepAliveInitialDelayMs: config.keepAliveMs,
      readTimeoutMs: config.readTimeoutMs,
      fetchQueryId: config.fetchQueryId,
      onError,
      ...(observer === undefined ? {} : { observer }),
    },
    provider,
  )
}
