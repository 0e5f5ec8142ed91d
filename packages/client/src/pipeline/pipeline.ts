import { classifyError } from '../errors/classify.js'
import { ConnectionFailedError } from '../errors/connection-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import { backoffDelay, sleep } from './backoff.js'

/** What a client operation is, for errors, hooks, metrics and recordings. */
export type OperationKind =
  | 'query'
  | 'prepare'
  | 'execute-prepared'
  | 'deallocate'
  | 'batch'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'transaction'
  | 'health-check'
  | 'diagnostics'
  | 'cancel'

/** One operation of the client, as the pipeline runs it. */
export interface Operation<T> {
  readonly kind: OperationKind
  /** The statement, when there is one (kept for errors, logs and recordings; redacted there). */
  readonly sql?: string
  readonly signal?: AbortSignal
  /** Runs the operation once; `attempt` counts from 1. */
  readonly run: (attempt: number) => Promise<T>
}

/**
 * The one function every operation of the client runs through. Later layers (resilience,
 * observability, recording) wrap a runner and return a runner, so they apply to every operation
 * over every transport alike.
 */
export type OperationRunner = <T>(operation: Operation<T>) => Promise<T>

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  /** The transport's name, stamped on every error's metadata. */
  readonly transport: string
  /** How many times an operation is retried after a connection could not be opened. */
  readonly connectRetries: number
  /** Base of the exponential backoff between those retries, in milliseconds. */
  readonly retryBackoffMs: number
  /** Called with every error an operation ends with (for diagnostics' recent errors). */
  readonly onError?: (error: RedshiftError, kind: OperationKind) => void
  /** @default Math.random */
  readonly random?: () => number
}

/**
 * Builds the base runner: it classifies every failure into a `RedshiftError` stamped with the
 * transport and the number of attempts, and retries an operation whose connection could not be
 * opened — the one failure where nothing was sent, so running it again cannot run it twice.
 *
 * @example
 * const run = createPipeline({ transport: 'wire', connectRetries: 3, retryBackoffMs: 100 })
 * const result = await run({ kind: 'query', sql, run: () => transport.execute(statement) })
 */
export function createPipeline(options: PipelineOptions): OperationRunner {
  return async function runOperation<T>(operation: Operation<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation.run(attempt)
      } catch (raw) {
        const error = classifyError(raw, {
          ...(operation.sql === undefined ? {} : { sql: operation.sql }),
        }).withMetadata({ transport: options.transport, attempts: attempt })
        const retry =
          error instanceof ConnectionFailedError &&
          error.retryable &&
          attempt <= options.connectRetries &&
          operation.signal?.aborted !== true
        if (!retry) {
          options.onError?.(error, operation.kind)
          throw error
        }
        await sleep(backoffDelay(attempt - 1, options.retryBackoffMs, options.random), operation.signal)
      }
    }
  }
}
