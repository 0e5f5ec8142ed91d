// Curated public exports of @redshift-kit/client, sorted by area. Explicit names only.

export type { Diagnostics } from './client/diagnostics.js'
export type { HealthStatus } from './client/health-status.js'
export type { RecentError } from './client/recent-errors.js'
// Client, transport, transactions
export {
  type CallOptions,
  type ClientOptions,
  createClient,
  createClientFromEnv,
  RedshiftClient,
} from './client.js'
export type { RedshiftClientApi } from './client-api.js'
// config
export {
  type AuthMethod,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  AwsCredentials,
  CONFIG_DEFAULTS,
  ConfigHooks,
  type CredentialSource,
  DatabaseCredentials,
  type IamAuthOptions,
  type IamCredentialSource,
  isAwsRedshiftHost,
  type PolicyConfigData,
  parseRedshiftHost,
  RedshiftConfig,
  RedshiftConfigBuilder,
  type RedshiftConfigData,
  type RedshiftEndpoint,
  type RedshiftHostInfo,
  type RetryOptions,
  type SecretsManagerCredentialSource,
  SSL_MODES,
  type SslMode,
  TRANSPORT_KINDS,
  type TransportKind,
} from './config/index.js'
// credentials
export type {
  CredentialsMethod,
  CredentialsProvider,
  CredentialsStatus,
} from './credentials/credentials-provider.js'
export { LoginCredentials, type SecretEndpoint } from './credentials/login-credentials.js'
// COPY and UNLOAD
export {
  type AccessKeys,
  type Authorization,
  COMPRESSIONS,
  COPY_ENCODINGS,
  Compression,
  type CompUpdate,
  CopyCommand,
  CopyCommandBuilder,
  type CopyEncoding,
  type CopyFormat,
  type CopyOption,
  type CopyOptionName,
  type CopyOptionValues,
  type CopyResult,
  type CopySource,
  DATA_FORMATS,
  type DataCallOptions,
  DataFormat,
  type FixedWidthSpec,
  isCompression,
  isDataFormat,
  isUnloadFormat,
  type JsonMapping,
  parseS3Url,
  quoteIdentifier,
  quoteLiteral,
  type S3Location,
  type ShapefileOptions,
  s3Url,
  TableRef,
  UNLOAD_FORMATS,
  UnloadCommand,
  UnloadCommandBuilder,
  type UnloadedFile,
  UnloadFormat,
  type UnloadOption,
  type UnloadOptionName,
  type UnloadOptionValues,
  type UnloadResult,
  type UnloadSize,
} from './data/index.js'
export type { LoadFileFormat } from './data/load/file-source.js'
// moving data: loads through S3 staging
export type { LoadFileOptions, LoadFileResult } from './data/load/load-file.js'
export type { CreateTableOptions, LoadRowsOptions, LoadRowsResult } from './data/load/load-rows.js'
export type { LoadRow, LoadRows } from './data/load/row-source.js'
export type { LoadProgress, StagedLoadOptions } from './data/load/staged-copy.js'
export type { LoadValue } from './data/load/value-encoding.js'
export type { MergeOptions, MergeResult, UpsertOptions } from './data/merge/merge-rows.js'
export type { MergeActions } from './data/merge/merge-sql.js'
export type { UnloadStream, UnloadStreamOptions } from './data/unload/unload-stream.js'
// errors
export {
  AuthenticationError,
  CircuitOpenError,
  type ClassifyContext,
  ConfigError,
  ConnectionFailedError,
  ConnectionLostError,
  classifyError,
  type ErrorFault,
  type ErrorMetadata,
  isRedshiftError,
  isRetryableError,
  type LoadError,
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  PoolClosedError,
  PoolExhaustedError,
  type Problem,
  type ProblemErrorOptions,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  type QueryTimeoutErrorOptions,
  RateLimitedError,
  REDSHIFT_ERROR_CODES,
  RedshiftError,
  type RedshiftErrorCode,
  type RedshiftErrorOptions,
  ResultTooLargeError,
  type RetryAfterErrorOptions,
  redactSecrets,
  redactSqlLiterals,
  SerializationConflictError,
  type ServerErrorFields,
  TransactionAbortedError,
  UnloadFailedError,
  UnsupportedError,
  ValidationError,
} from './errors/index.js'
// observability: OpenTelemetry, logs, health endpoint
export type { HealthHandlerOptions } from './observability/health-handler.js'
export type { LogEvent, Logger, LogLevel } from './observability/logger.js'
export { CLIENT_METRICS, type InstrumentKind, type MetricSpec } from './observability/metric-catalog.js'
export type { Progress, ProgressListener } from './observability/progress.js'
export type {
  MeterProviderLike,
  TelemetryOptions,
  TracerProviderLike,
} from './observability/telemetry-options.js'
export { type RetryUnsentOptions, retryUnsent } from './pipeline/connect-retry.js'
export type {
  StatementContext,
  StatementMiddleware,
  StatementOperation,
  StatementOutcome,
} from './pipeline/statement-context.js'
// query lifecycle: streaming, async queries, cancel, EXPLAIN, metrics
export {
  ASYNC_QUERY_STATES,
  type AsyncQueryHandle,
  type AsyncQueryOptions,
  type AsyncQueryState,
  type QueryResultsOptions,
  type QueryStatus,
} from './query/async-query-handle.js'
export type { CancelOutcome, CancelTarget } from './query/cancel-query.js'
export {
  DISTRIBUTION_LABELS,
  type DistributionLabel,
  type PlanNode,
  type PlanWarning,
  type PlanWarningCode,
  QueryPlan,
} from './query/explain-plan.js'
export type { QueryMetrics, QueryMetricsOptions } from './query/metrics-query.js'
export { PreparedStatement } from './query/prepared-statement.js'
export { type Query, toQuery } from './query/query.js'
export { QueryBuilder } from './query/query-builder.js'
export { QueryResult, type QueryResultInit } from './query/query-result.js'
export { type ReadableOptions, ResultStream } from './query/result-stream.js'
export { DEFAULT_STREAM_IDLE_TIMEOUT_MS, type StreamOptions } from './query/result-stream-open.js'
export { Row } from './query/row.js'
// resilience: retry, circuit breaker, rate limit, bulkhead
export type { BulkheadOptions, BulkheadState } from './resilience/bulkhead.js'
export type {
  CircuitBreakerOptions,
  CircuitBreakerState,
  CircuitStateName,
} from './resilience/circuit-breaker.js'
export type { RateLimiterState, RateLimitOptions } from './resilience/rate-limiter.js'
export type { PolicyName, ResilienceState } from './resilience/resilience.js'
export type { RetryBudgetOptions } from './resilience/retry-budget.js'
export type { RetryReason } from './resilience/retry-decision.js'
export type {
  ExternalColumn,
  ExternalPartition,
  ExternalSchema,
  ExternalTable,
  SpectrumIssue,
  ValidationResult,
} from './spectrum/spectrum.js'
export { WIDE_TABLE_COLUMNS } from './spectrum/validate-spectrum.js'
export type { TransactionOptions } from './transaction/run-in-transaction.js'
export {
  Transaction,
  type TransactionCallOptions,
  type TransactionContext,
  type TransactionState,
} from './transaction/transaction.js'
export type { AcquireTimePercentiles, PoolStats } from './transport/pool-stats.js'
export type {
  PreparedStatementSpec,
  StatementSettings,
  Transport,
  TransportCapabilities,
  TransportCursor,
  TransportCursorOptions,
  TransportDiagnostics,
  TransportResult,
  TransportSession,
  TransportStatement,
} from './transport/transport.js'
// query
export { ColumnMetadata, type ColumnMetadataOptions } from './types/column-metadata.js'
export { type InListParam, type InListValue, inList, isInListParam } from './types/in-list.js'
// types
export {
  assertQueryParams,
  createTypeParsers,
  DATA_TYPES,
  DataType,
  dataTypeForOid,
  dataTypeFromName,
  isDataType,
  isJsonParam,
  type JsonParam,
  type JsonValue,
  json,
  MAX_BIND_PARAMETERS,
  oidForDataType,
  type ParamSerializerOptions,
  type QueryParam,
  type SerializedParam,
  serializeParam,
  serializeParams,
  superParam,
  type TextParser,
  TypeOid,
  type TypeParserOptions,
  type TypeParsers,
  type Value,
} from './types/index.js'
export { QueryId } from './types/query-id.js'
export {
  type PoolSizingHint,
  poolSizingHint,
  type QueueState,
  type RunningQuery,
  redactQueryText,
} from './workload/workload.js'
