import type { LoginCredentials } from './login-credentials.js'

/**
 * How the client logs in, as diagnostics name it.
 *
 * @example
 * const method: CredentialsMethod | undefined = (await client.getDiagnostics()).credentials?.method
 */
export type CredentialsMethod = 'password' | 'iam' | 'iam-serverless' | 'secrets-manager'

/**
 * What diagnostics show of a provider: the method and the expiry, never the credentials.
 *
 * @example
 * const status: CredentialsStatus | undefined = (await client.getDiagnostics()).credentials
 * console.log(status?.method, status?.source, status?.expiresAt)
 */
export interface CredentialsStatus {
  readonly method: CredentialsMethod
  /** Where the credentials come from (`GetClusterCredentials`, `GetCredentials`, `GetSecretValue`, `static`). */
  readonly source: string
  /** The database user of the current credentials, once fetched (a user name is not a secret). */
  readonly user: string | null
  /** When the current credentials expire (ISO 8601), or null when they do not (or none yet). */
  readonly expiresAt: string | null
  /** When the current credentials were fetched (ISO 8601), or null before the first fetch. */
  readonly fetchedAt: string | null
  /** How many times credentials were fetched from their source. */
  readonly fetches: number
}

/**
 * Gives the wire transport the user and password of each new connection. Providers of expiring
 * credentials cache them, refresh them before they expire, and keep one fetch in flight however
 * many connections ask at once.
 *
 * @example
 * const fixed: CredentialsProvider = {
 *   method: 'password',
 *   get: async () => new LoginCredentials('etl', process.env.ETL_PASSWORD ?? ''),
 *   reject: () => false,
 *   status: () => ({ method: 'password', source: 'static', user: 'etl', expiresAt: null, fetchedAt: null, fetches: 0 }),
 * }
 */
export interface CredentialsProvider {
  readonly method: CredentialsMethod
  /** Credentials to log in with now. */
  get(): Promise<LoginCredentials>
  /**
   * A login with `credentials` was refused (expired, rotated): drops them from the cache. Returns
   * true when fresh credentials may differ, so one retry is worth it.
   */
  reject(credentials: LoginCredentials): boolean
  status(): CredentialsStatus
  /** Releases what the provider holds (the AWS SDK clients and their sockets); the client calls it on close. */
  close?(): void
}
