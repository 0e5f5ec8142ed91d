import { RedshiftConfig } from '../config/redshift-config.js'
import { type Problem, ValidationError } from '../errors/client-errors.js'
import type { Transport } from '../transport/transport.js'

/**
 * Options of a {@link MockRedshiftClient}. Everything is optional: `new MockRedshiftClient()` is a
 * mock with production retry counts, no backoff wait and no latency.
 *
 * @example
 * const mock = new MockRedshiftClient({
 *   config: RedshiftConfig.builder().endpoint('mock', 5439, 'dev').withDatabaseAuth('u', 'p').maxRetries(1).build(),
 *   latencyMs: 5,
 * })
 */
export interface MockConfig {
  /**
   * The client configuration the mock runs under: retries, backoff, timeouts, query group, COPY and
   * UNLOAD default roles, pool size as diagnostics report it.
   * @default a configuration for `mock.redshift.local:5439/dev` with the library's defaults, except `retryBackoff(0)`
   */
  readonly config?: RedshiftConfig
  /** Simulated server time of every statement, in milliseconds (see `setLatency`). @default 0 */
  readonly latencyMs?: number
  /** The random source of `setLatencyRange` (a seeded one makes latencies repeatable). @default Math.random */
  readonly random?: () => number
  /**
   * How long a statement waits for another session's transaction on the mock's tables before it
   * fails (the tables run one transaction at a time).
   * @default 5000
   */
  readonly lockWaitMs?: number
  /**
   * `'when-tables'`: statements no response answers run on the tables' engine once a table exists;
   * `'always'`: even before (so a test can create its schema with SQL).
   * @default 'when-tables'
   */
  readonly engine?: 'when-tables' | 'always'
  /**
   * Wraps the mock's transport, as `createClient`'s option of the same name does (e.g. a
   * `QueryRecorder` recording what the mock answers, to make fixture files).
   */
  readonly wrapTransport?: (transport: Transport) => Transport
}

/** A {@link MockConfig} with every default applied. */
export interface ResolvedMockConfig {
  readonly config: RedshiftConfig
  readonly latencyMs: number
  readonly random: () => number
  readonly lockWaitMs: number
  readonly engine: 'when-tables' | 'always'
  readonly wrapTransport?: (transport: Transport) => Transport
}

/** The configuration of a mock when none is given. */
export function defaultMockRedshiftConfig(): RedshiftConfig {
  return RedshiftConfig.builder()
    .endpoint('mock.redshift.local', 5439, 'dev')
    .withDatabaseAuth('mock', 'mock')
    .retryBackoff(0)
    .build()
}

/** Checks and completes a {@link MockConfig}; throws one `ValidationError` naming every bad field. */
export function resolveMockConfig(options: MockConfig = {}): ResolvedMockConfig {
  const problems: Problem[] = []
  if (options.config !== undefined && !(options.config instanceof RedshiftConfig)) {
    problems.push({
      field: 'config',
      message: 'must be a RedshiftConfig (RedshiftConfig.builder()...build())',
    })
  }
  const ms = (field: string, value: number | undefined) => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      problems.push({ field, message: `must be a number of milliseconds >= 0, got ${String(value)}` })
    }
  }
  ms('latencyMs', options.latencyMs)
  ms('lockWaitMs', options.lockWaitMs)
  if (options.random !== undefined && typeof options.random !== 'function') {
    problems.push({ field: 'random', message: 'must be a function returning numbers in [0, 1)' })
  }
  if (options.engine !== undefined && options.engine !== 'when-tables' && options.engine !== 'always') {
    problems.push({
      field: 'engine',
      message: `must be 'when-tables' or 'always', got ${String(options.engine)}`,
    })
  }
  if (options.wrapTransport !== undefined && typeof options.wrapTransport !== 'function') {
    problems.push({ field: 'wrapTransport', message: 'must be a function from a Transport to a Transport' })
  }
  if (problems.length > 0) throw new ValidationError('invalid MockConfig', { problems })
  return {
    config: options.config ?? defaultMockRedshiftConfig(),
    latencyMs: options.latencyMs ?? 0,
    random: options.random ?? Math.random,
    lockWaitMs: options.lockWaitMs ?? 5_000,
    engine: options.engine ?? 'when-tables',
    ...(options.wrapTransport === undefined ? {} : { wrapTransport: options.wrapTransport }),
  }
}
