import { settingDefaults } from './setting-specs.js'

/**
 * TLS modes, as libpq and the Redshift drivers name them.
 *
 * @example
 * SSL_MODES.includes('verify-full') // true
 */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/**
 * `disable`: plain TCP. `prefer`: TLS when the server offers it, without verification. `require`:
 * TLS, certificate not verified. `verify-ca`: TLS, certificate chain verified. `verify-full`: chain
 * and host name verified.
 *
 * @example
 * const mode: SslMode = 'verify-full'
 * RedshiftConfig.builder().endpoint(host, 5439, 'dev').sslMode(mode)
 */
export type SslMode = (typeof SSL_MODES)[number]

/**
 * Whether `value` is an {@link SslMode}.
 *
 * @example
 * isSslMode('verify-full') // true
 */
export function isSslMode(value: unknown): value is SslMode {
  return typeof value === 'string' && (SSL_MODES as readonly string[]).includes(value)
}

/**
 * The transports a client can use.
 *
 * @example
 * TRANSPORT_KINDS // ['wire', 'data-api']
 */
export const TRANSPORT_KINDS = ['wire', 'data-api'] as const

/**
 * `wire`: the PostgreSQL protocol (pooled sessions). `data-api`: the Redshift Data API over HTTPS.
 *
 * @example
 * const kind: TransportKind = 'data-api'
 * RedshiftConfig.builder().withServerless('analytics-wg').transport(kind)
 */
export type TransportKind = (typeof TRANSPORT_KINDS)[number]

/**
 * Whether `value` is a {@link TransportKind}.
 *
 * @example
 * isTransportKind('data-api') // true
 */
export function isTransportKind(value: unknown): value is TransportKind {
  return typeof value === 'string' && (TRANSPORT_KINDS as readonly string[]).includes(value)
}

/**
 * The default of every option. The TLS mode's default depends on the host: `verify-full` for every
 * host except this machine's (`localhost`, `127.x`, `::1`), where a local Redshift runs, which gets
 * `prefer`. Redshift's own and custom-domain endpoints carry public certificates, so verification
 * works; an IP address or a load balancer without a matching certificate must choose a mode.
 *
 * @example
 * CONFIG_DEFAULTS.port      // 5439
 * CONFIG_DEFAULTS.poolSize  // the pool size when poolSize() is not called
 */
export const CONFIG_DEFAULTS = Object.freeze({
  /** The database every Redshift cluster and workgroup starts with. */
  database: 'dev',
  transport: 'wire' as TransportKind,
  /** `application_name` of each session (shows in STV_SESSIONS / SYS_SESSION_HISTORY). */
  applicationName: 'redshift-kit',
  // Every number and on/off setting's default, from its one description (setting-specs.ts).
  ...settingDefaults(),
})
