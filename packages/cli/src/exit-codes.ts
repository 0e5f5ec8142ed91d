import { isRedshiftError } from '@redshift-kit/client'

/**
 * The command's exit statuses, stable for scripts: 0 success, 1 the statement or operation failed on
 * the server, 2 bad usage or configuration, 3 cannot connect or log in, 4 timed out, 5 load errors,
 * 130 cancelled with Ctrl+C.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  connection: 3,
  timeout: 4,
  loadErrors: 5,
  cancelled: 130,
} as const

/** Thrown for bad command-line usage: printed with the command's help hint, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The exit status for an error a command ended with. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage
  if (!isRedshiftError(err)) return EXIT.failed
  switch (err.code) {
    case 'CONFIG_INVALID':
    case 'VALIDATION_FAILED':
      return EXIT.usage
    case 'CONNECTION_FAILED':
    case 'CONNECTION_LOST':
    case 'AUTHENTICATION_FAILED':
    case 'POOL_EXHAUSTED':
    case 'POOL_CLOSED':
      return EXIT.connection
    case 'QUERY_TIMEOUT':
      return EXIT.timeout
    case 'QUERY_CANCELLED':
      return EXIT.cancelled
    case 'LOAD_FAILED':
      return EXIT.loadErrors
    default:
      return EXIT.failed
  }
}
