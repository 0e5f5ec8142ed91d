/**
 * The structural shape of an OpenTelemetry `TracerProvider` (so that this package's types do not
 * require `@opentelemetry/api` to be installed).
 */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown
}

/** The structural shape of an OpenTelemetry `MeterProvider`. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown
}

/**
 * Where a client sends its spans and metrics. Without providers it uses the global ones registered
 * with `@opentelemetry/api` (by `NodeSDK.start()`, `provider.register()`, ...), when that package
 * is installed; without the package there is no telemetry and no cost.
 *
 * @example
 * RedshiftConfig.builder().telemetry({ tracerProvider, meterProvider })
 * RedshiftConfig.builder().telemetry({ enabled: false })   // no spans or metrics even with a global SDK
 */
export interface TelemetryOptions {
  readonly tracerProvider?: TracerProviderLike
  readonly meterProvider?: MeterProviderLike
  /** @default true */
  readonly enabled?: boolean
  /**
   * Whether spans carry `db.query.text` (literals are always replaced by `?`). @default true
   */
  readonly captureQueryText?: boolean
  /**
   * Whether operation spans carry `redshift.wlm.queue` and `redshift.wlm.service_class`: the WLM
   * queue the statement is routed to by Redshift's assignment rules (its query group, the user's
   * groups), from the WLM configuration read every 5 minutes from the superuser views
   * (STV_WLM_SERVICE_CLASS_CONFIG, STV_WLM_CLASSIFICATION_CONFIG), never per statement. Spans of
   * statements before the first read completes, and of users who cannot read those views, have no
   * queue. @default false
   */
  readonly wlmQueue?: boolean
}

/** The instrumentation scope name of every span and metric of the client. */
export const INSTRUMENTATION_NAME = '@redshift-kit/client'
/** The instrumentation scope version. */
export const INSTRUMENTATION_VERSION = '0.1.0'
