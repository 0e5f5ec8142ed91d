/** Which StartupMessage keys reach the engine, and the ParameterStatus values clients see. */
import { buildParameterStatus, parseParameterStatus } from './protocol/backend.js'

/** Keys Redshift's drivers send that PostgreSQL would reject as unknown settings. */
const REDSHIFT_ONLY_KEYS: ReadonlySet<string> = new Set([
  'client_protocol_version',
  'driver_version',
  'os_version',
  'plugin_name',
  'driver_discovery_version',
  'idp_type',
  'provider_name',
  'token_type',
  'identity_namespace',
  'idc_client_display_name',
])

/** Keys of the startup packet itself, not settings. */
const PROTOCOL_KEYS: ReadonlySet<string> = new Set(['user', 'database', 'options'])

/** What became of the client's startup keys. */
export interface StartupParams {
  /** Forwarded to the engine. */
  readonly engine: Map<string, string>
  /** `_pq_.` protocol options the gateway does not support (named in NegotiateProtocolVersion). */
  readonly protocolOptions: string[]
  /** Dropped: Redshift-only keys, and anything that is not one of the engine's settings. */
  readonly dropped: string[]
}

/**
 * Splits the client's startup keys: Redshift-only keys and `_pq_.` options are dropped, and so is any
 * key that is not a setting the engine knows (PostgreSQL would end the connection over it, whereas
 * Redshift ignores keys it does not know).
 */
export function filterStartupParams(
  params: ReadonlyMap<string, string>,
  engineSettings: ReadonlySet<string>,
): StartupParams {
  const engine = new Map<string, string>()
  const protocolOptions: string[] = []
  const dropped: string[] = []
  for (const [key, value] of params) {
    if (key.startsWith('_pq_.')) {
      protocolOptions.push(key)
    } else if (REDSHIFT_ONLY_KEYS.has(key)) {
      dropped.push(key)
    } else if (PROTOCOL_KEYS.has(key) || engineSettings.has(key.toLowerCase())) {
      engine.set(key, value)
    } else {
      dropped.push(key)
    }
  }
  return { engine, protocolOptions, dropped }
}

/** Redshift's server version as its drivers expect it (python's rowcount logic keys off it). */
export const REDSHIFT_SERVER_VERSION = '8.0.2'

/** ParameterStatus keys PostgreSQL reports that Redshift does not. */
const HIDDEN_PARAMETERS: ReadonlySet<string> = new Set(['scram_iterations', 'server_protocol_version'])

/**
 * A ParameterStatus from the engine as Redshift would send it: server_version replaced, PostgreSQL-only
 * keys removed (undefined), everything else as is.
 */
export function rewriteParameterStatus(frame: Buffer): Buffer | undefined {
  const { name } = parseParameterStatus(frame)
  if (HIDDEN_PARAMETERS.has(name)) return undefined
  if (name === 'server_version') return buildParameterStatus(name, REDSHIFT_SERVER_VERSION)
  return frame
}

/**
 * Which of Redshift's metadata SHOW commands the server answers, as the drivers read it: 3 covers
 * SHOW DATABASES / SCHEMAS / TABLES / COLUMNS (2) plus CONSTRAINTS, FUNCTIONS, PROCEDURES, PARAMETERS,
 * GRANTS and COLUMN GRANTS. Above 3, drivers expect external-table types and batched SHOWs.
 */
export const SHOW_DISCOVERY_VERSION = '3'

/** Redshift-only ParameterStatus values sent at startup. */
export const REDSHIFT_EXTRA_PARAMETERS: readonly Buffer[] = [
  buildParameterStatus('datashare_enabled', 'off'),
  buildParameterStatus('show_discovery', SHOW_DISCOVERY_VERSION),
]
