import { redactSecrets } from '../errors/redact.js'
import { isRedshiftError } from '../errors/redshift-error.js'

/**
 * A structured logger, as pino, bunyan-style and many others shape one: a method per level taking an
 * object of fields and a message. `console` does not fit (it prints the object first); wrap it.
 *
 * @example
 * import pino from 'pino'
 * RedshiftConfig.builder().logger(pino())
 * RedshiftConfig.builder().logger({
 *   debug: () => {}, info: (o, m) => console.log(m, o), warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o),
 * })
 */
export interface Logger {
  debug(fields: object, message?: string): void
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  error(fields: object, message?: string): void
}

/** A level of {@link Logger}. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/**
 * The events the client logs, in the `event` field of each line.
 *
 * @example
 * const interesting: LogEvent[] = ['slow_query', 'circuit_open']
 */
export type LogEvent =
  | 'connect'
  | 'disconnect'
  | 'connect_failed'
  | 'slow_acquire'
  | 'slow_query'
  | 'statement_failed'
  | 'retry'
  | 'policy_rejected'
  | 'circuit_open'
  | 'circuit_half_open'
  | 'circuit_closed'
  | 'credentials_refreshed'
  | 'copy_finished'
  | 'copy_load_errors'
  | 'unload_finished'
  | 'transfer_failed'
  | 'wlm_queue_unavailable'

/** The fields of an error that may be logged: code, class, message (already redacted), SQLSTATE. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (isRedshiftError(error)) {
    return {
      code: error.code,
      name: error.name,
      message: error.message,
      retryable: error.retryable,
      ...(error.sqlState === undefined ? {} : { sqlState: error.sqlState }),
    }
  }
  const e = error as { readonly name?: unknown; readonly message?: unknown } | null
  return { name: String(e?.name ?? 'Error'), message: redactSecrets(String(e?.message ?? error)) }
}

/**
 * The client's side of a user's {@link Logger}: every line gets `component: 'redshift-kit'` and its
 * `event`, and a logger that throws never breaks a query. Callers put only redacted SQL (literals
 * replaced by `?`) and {@link errorFields} in the fields; never parameters or credentials.
 */
export class ClientLog {
  readonly #logger: Logger

  constructor(logger: Logger) {
    this.#logger = logger
  }

  write(level: LogLevel, event: LogEvent, fields: Record<string, unknown>, message: string): void {
    try {
      this.#logger[level]({ component: 'redshift-kit', event, ...fields }, message)
    } catch {
      // A broken logger must not fail the statement it was told about.
    }
  }
}
