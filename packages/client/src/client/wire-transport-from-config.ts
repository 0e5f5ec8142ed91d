import type { RedshiftConfigData } from '../config/resolve-config.js'
import { UnsupportedError } from '../errors/client-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import { wireTls } from '../transport/wire/tls-options.js'
import { WireTransport } from '../transport/wire/wire-transport.js'
import { createTypeParsers } from '../types/type-parsers.js'

/**
 * The wire transport a configuration describes. Database (user and password) credentials are
 * supported here; IAM and Secrets Manager sources need the credentials providers, and the Data API
 * its own transport: those throw an `UnsupportedError` that says so.
 */
export function wireTransportFromConfig(
  config: RedshiftConfigData,
  onError: (error: RedshiftError) => void,
): WireTransport {
  if (config.transport !== 'wire') {
    throw new UnsupportedError(
      `the '${config.transport}' transport is not available in this version; use transport('wire')`,
    )
  }
  const credentials = config.credentials
  if (credentials.kind !== 'database') {
    throw new UnsupportedError(
      `${credentials.kind} authentication is not available in this version; use withDatabaseAuth(user, password)`,
    )
  }
  const host = config.endpoint.host
  if (host === undefined) {
    throw new UnsupportedError('the wire transport needs a host name: set endpoint(host, port, database)')
  }
  return new WireTransport({
    host,
    port: config.endpoint.port,
    database: config.endpoint.database,
    credentials: async () => ({ user: credentials.user, password: credentials.password }),
    authMethod: 'password',
    tls: wireTls({
      sslMode: config.sslMode,
      host,
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
    },
    types: createTypeParsers(),
    applicationName: config.applicationName,
    onError,
  })
}
