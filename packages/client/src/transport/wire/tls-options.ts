import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { ConfigError } from '../../errors/client-errors.js'

/** The TLS part of a configuration, as the wire transport needs it. */
export interface TlsSettings {
  readonly sslMode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'
  readonly host: string
  /** PEM text of the CA bundle to trust. */
  readonly sslCa?: string
  /** A CA bundle file (JDBC's `sslrootcert`). */
  readonly sslRootCertPath?: string
}

/** How to open sockets for a TLS mode: TLS options (or none), and whether plain TCP may follow a refusal. */
export interface WireTls {
  readonly ssl: false | ConnectionOptions
  /** `prefer`: when the server refuses TLS, connect without it. */
  readonly fallbackToPlain: boolean
}

function caOf(settings: TlsSettings): string | undefined {
  if (settings.sslCa !== undefined) return settings.sslCa
  if (settings.sslRootCertPath === undefined) return undefined
  try {
    return readFileSync(settings.sslRootCertPath, 'utf8')
  } catch (cause) {
    throw new ConfigError('cannot read the CA bundle', {
      cause,
      problems: [
        {
          field: 'sslRootCertPath',
          message: `cannot read ${settings.sslRootCertPath}; give a readable PEM file, or the PEM text as sslCa`,
        },
      ],
    })
  }
}

/**
 * Maps libpq's `sslmode` onto Node's TLS options: `disable` plain TCP; `prefer` TLS without
 * verification, plain TCP if the server refuses; `require` TLS without verification; `verify-ca` the
 * chain against the CA (Node's trust store, which holds Amazon's roots, when none is given), any host
 * name; `verify-full` chain and host name.
 *
 * @example
 * wireTls({ sslMode: 'verify-full', host: 'c.abc.us-east-1.redshift.amazonaws.com' }).ssl
 * // { rejectUnauthorized: true, servername: 'c.abc.us-east-1.redshift.amazonaws.com' }
 */
export function wireTls(settings: TlsSettings): WireTls {
  const ca = caOf(settings)
  const withCa = ca === undefined ? {} : { ca }
  switch (settings.sslMode) {
    case 'disable':
      return { ssl: false, fallbackToPlain: false }
    case 'prefer':
      return { ssl: { rejectUnauthorized: false }, fallbackToPlain: true }
    case 'require':
      return { ssl: { rejectUnauthorized: false }, fallbackToPlain: false }
    case 'verify-ca':
      return {
        ssl: { rejectUnauthorized: true, ...withCa, checkServerIdentity: () => undefined },
        fallbackToPlain: false,
      }
    case 'verify-full':
      return {
        // SNI carries host names only (RFC 6066); an IP address is still checked against the
        // certificate's IP SANs by Node's default checkServerIdentity.
        ssl: {
          rejectUnauthorized: true,
          ...withCa,
          ...(isIP(settings.host) ? {} : { servername: settings.host }),
        },
        fallbackToPlain: false,
      }
  }
}
