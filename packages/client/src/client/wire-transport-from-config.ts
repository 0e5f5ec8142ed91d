import type { RedshiftConfigData } from '../config/resolve-config.js'
import { clusterEndpoint } from '../credentials/cluster-endpoint.js'
import type { CredentialsProvider, CredentialsStatus } from '../credentials/credentials-provider.js'
import type { LoginCredentials } from '../credentials/login-credentials.js'
import { credentialsProviderFor } from '../credentials/provider-from-config.js'
import { UnsupportedError } from '../errors/client-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import type { Transport, TransportDiagnostics } from '../transport/transport.js'
import { wireTls } from '../transport/wire/tls-options.js'
import {
  type WireCredentials,
  WireTransport,
  type WireTransportOptions,
} from '../transport/wire/wire-transport.js'
import { createTypeParsers } from '../types/type-parsers.js'
import { DeferredWireTransport } from './deferred-wire-transport.js'

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
interface Target {
  readonly host: string
  readonly port: number
  readonly database: string
}

function wireTransport(
  config: RedshiftConfigData,
  target: Target,
  provider: CredentialsProvider,
  onError: (error: RedshiftError) => void,
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
    },
    provider,
  )
}

/**
 * The wire transport a configuration describes, logging in through the credentials provider it
 * names (static, IAM, Serverless, Secrets Manager). With Secrets Manager and no host configured, the
 * host, port and database come from the secret, read on first use. Nothing is fetched and no AWS SDK
 * package is loaded here: `createClient` stays synchronous.
 */
export function wireTransportFromConfig(
  config: RedshiftConfigData,
  onError: (error: RedshiftError) => void,
): Transport {
  if (config.transport !== 'wire') {
    throw new UnsupportedError(
      `the '${config.transport}' transport is not available in this version; use transport('wire')`,
    )
  }
  const provider = credentialsProviderFor(config)
  const host = config.endpoint.host
  if (host !== undefined) {
    return wireTransport(
      config,
      { host, port: config.endpoint.port, database: config.endpoint.database },
      provider,
      onError,
    )
  }
  if (config.credentials.kind === 'iam' && config.clusterIdentifier !== undefined) {
    return new DeferredWireTransport(config, provider, async () => {
      const found = await clusterEndpoint(config)
      return wireTransport(
        config,
        { host: found.host, port: found.port, database: config.endpoint.database },
        provider,
        onError,
      )
    })
  }
  if (config.credentials.kind !== 'secrets-manager') {
    throw new UnsupportedError('the wire transport needs a host name: set endpoint(host, port, database)')
  }
  return new DeferredWireTransport(config, provider, async () => {
    const login = await provider.get()
    const fromSecret = login.endpoint
    if (fromSecret?.host === undefined) {
      throw new UnsupportedError(
        `secret ${config.credentials.kind === 'secrets-manager' ? config.credentials.secretId : ''} has no "host": set endpoint(host, port, database)`,
      )
    }
    return wireTransport(
      config,
      {
        host: fromSecret.host,
        port: fromSecret.port ?? config.endpoint.port,
        database: fromSecret.database ?? config.endpoint.database,
      },
      provider,
      onError,
    )
  })
}
