import type { RedshiftConfigData } from '../config/resolve-config.js'
import { clusterEndpoint } from '../credentials/cluster-endpoint.js'
import type { CredentialsProvider } from '../credentials/credentials-provider.js'
import { credentialsProviderFor } from '../credentials/provider-from-config.js'
import { UnsupportedError } from '../errors/client-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import type { Transport } from '../transport/transport.js'
import type { TransportObserver } from '../transport/transport-observer.js'
import type { Target } from './credentialed-wire-transport.js'
import { DeferredWireTransport } from './deferred-wire-transport.js'

export type { CredentialedDiagnostics } from './credentialed-wire-transport.js'

/** The wire transport, its module (and `pg` with it) imported on first use. */
async function wireTransport(
  config: RedshiftConfigData,
  target: Target,
  provider: CredentialsProvider,
  onError: (error: RedshiftError) => void,
  observer: TransportObserver | undefined,
): Promise<Transport> {
  const wire = await import('./credentialed-wire-transport.js')
  return wire.wireTransport(config, target, provider, onError, observer)
}

/**
 * The wire transport a configuration describes, logging in through the credentials provider it
 * names (static, IAM, Serverless, Secrets Manager). With Secrets Manager and no host configured, the
 * host, port and database come from the secret, read on first use. Nothing is fetched and no AWS SDK
 * package is loaded here: `createClient` stays synchronous. The wire code itself (and `pg`) is
 * imported on first use too, so a client that never uses the wire never loads it.
 */
export function wireTransportFromConfig(
  config: RedshiftConfigData,
  onError: (error: RedshiftError) => void,
  observer?: TransportObserver,
): Transport {
  if (config.transport !== 'wire') {
    throw new UnsupportedError(
      `wireTransportFromConfig builds the wire transport; the '${config.transport}' transport is created by createClient`,
    )
  }
  const provider = credentialsProviderFor(config)
  observer?.watchCredentials?.(() => provider.status())
  const host = config.endpoint.host
  if (host !== undefined) {
    return new DeferredWireTransport(config, provider, () =>
      wireTransport(
        config,
        { host, port: config.endpoint.port, database: config.endpoint.database },
        provider,
        onError,
        observer,
      ),
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
        observer,
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
      observer,
    )
  })
}
