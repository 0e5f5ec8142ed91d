import { redactSecrets } from './redact.js'
import { RedshiftError, type RedshiftErrorOptions } from './redshift-error.js'

/**
 * One thing wrong with a configuration or a command: the field, what is wrong, where it came from.
 *
 * @example
 * const problem: Problem = { field: 'port', message: 'must be an integer from 1 to 65535', source: 'REDSHIFT_PORT' }
 */
export interface Problem {
  /** The option or field, e.g. `poolSize`, `params[3]`, `iamRole`. */
  readonly field: string
  /** What is wrong and how to fix it. Never contains a secret. */
  readonly message: string
  /** Where the value came from when not from code: `REDSHIFT_PORT`, `url (sslmode)`, ... */
  readonly source?: string
}

/**
 * Options of errors that list {@link Problem}s.
 *
 * @example
 * new ValidationError('invalid UNLOAD command', { problems: [{ field: 'destination', message: 'call toS3()' }] })
 */
export interface ProblemErrorOptions extends RedshiftErrorOptions {
  readonly problems?: readonly Problem[]
}

function freezeProblems(problems: readonly Problem[] | undefined): readonly Problem[] {
  return Object.freeze(
    (problems ?? []).map((p) =>
      Object.freeze({
        field: p.field,
        message: redactSecrets(p.message),
        ...(p.source === undefined ? {} : { source: p.source }),
      }),
    ),
  )
}

function withProblems(summary: string, problems: readonly Problem[]): string {
  if (problems.length === 0) return summary
  const lines = problems.map((p) => `  - ${p.field}: ${p.message}${p.source ? ` (from ${p.source})` : ''}`)
  return `${summary}:\n${lines.join('\n')}`
}

/**
 * The part of {@link ConfigError} and {@link ValidationError} that is the same: a list of problems,
 * frozen and redacted, repeated one per line in the message. Not exported: `instanceof` works on the
 * two public classes (a cross-copy check of this base could not tell which it is).
 */
abstract class ProblemListError extends RedshiftError {
  /** Every problem found, in the order checked (field order for a configuration). */
  readonly problems: readonly Problem[]

  protected constructor(
    message: string,
    options: ProblemErrorOptions,
    code: 'CONFIG_INVALID' | 'VALIDATION_FAILED',
  ) {
    const problems = freezeProblems(options.problems)
    super(withProblems(message, problems), options, { code, retryable: false, fault: 'client', sent: false })
    this.problems = problems
  }
}

/**
 * The configuration is invalid. `problems` lists every bad field at once (with the environment
 * variable or URL part it came from), and the message repeats them one per line.
 *
 * @example
 * new ConfigError('invalid Redshift configuration', {
 *   problems: [{ field: 'port', message: 'must be an integer from 1 to 65535, got "abc"', source: 'REDSHIFT_PORT' }],
 * })
 */
export class ConfigError extends ProblemListError {
  static readonly code = 'CONFIG_INVALID'
  override readonly name = 'ConfigError' as const
  declare readonly code: 'CONFIG_INVALID'

  constructor(message: string, options: ProblemErrorOptions = {}) {
    super(message, options, 'CONFIG_INVALID')
  }
}

/**
 * A query, parameter or command is invalid before anything was sent (too many bind parameters, an
 * array parameter, a COPY without a source, ...). `problems` lists every problem at once.
 *
 * @example
 * new ValidationError('invalid COPY command', { problems: [{ field: 'source', message: 'call fromS3()' }] })
 */
export class ValidationError extends ProblemListError {
  static readonly code = 'VALIDATION_FAILED'
  override readonly name = 'ValidationError' as const
  declare readonly code: 'VALIDATION_FAILED'

  constructor(message: string, options: ProblemErrorOptions = {}) {
    super(message, options, 'VALIDATION_FAILED')
  }
}

/**
 * The operation is not available here: a transport lacks the capability (cursors or protocol cancel
 * on the Data API, ...), or Redshift lacks the feature.
 *
 * @example
 * new UnsupportedError('the data-api transport cannot stream with a cursor; use executeQuery')
 */
export class UnsupportedError extends RedshiftError {
  static readonly code = 'UNSUPPORTED'
  override readonly name = 'UnsupportedError' as const
  declare readonly code: 'UNSUPPORTED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'UNSUPPORTED', retryable: false, fault: 'client', sent: false })
  }
}
