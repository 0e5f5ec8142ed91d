import { inspect } from 'node:util'

/**
 * Where a secret says the database is (Secrets Manager secrets of Redshift carry it).
 *
 * @example
 * const endpoint: SecretEndpoint = { host: 'my-cluster.abc123.us-east-1.redshift.amazonaws.com', port: 5439, database: 'dev' }
 */
export interface SecretEndpoint {
  readonly host?: string
  readonly port?: number
  readonly database?: string
}

/**
 * A database user and password to log in with, when the password expires (IAM temporary
 * credentials), and the endpoint a secret named. The password is a private field behind a getter:
 * readable, but never enumerated, serialised or shown by `util.inspect`.
 *
 * @example
 * const login = new LoginCredentials('IAM:etl', 'temporary-password', { expiresAt: new Date(Date.now() + 900_000) })
 * JSON.stringify(login)  // '{"user":"IAM:etl","expiresAt":"..."}'
 */
export class LoginCredentials {
  readonly user: string
  readonly #password: string
  /** When the password stops working; absent for passwords that do not expire. */
  declare readonly expiresAt?: Date
  /** Host, port and database from a Secrets Manager secret. */
  declare readonly endpoint?: SecretEndpoint

  constructor(
    user: string,
    password: string,
    options: { readonly expiresAt?: Date; readonly endpoint?: SecretEndpoint } = {},
  ) {
    this.user = user
    this.#password = password
    if (options.expiresAt !== undefined) this.expiresAt = options.expiresAt
    if (options.endpoint !== undefined) this.endpoint = Object.freeze({ ...options.endpoint })
    Object.freeze(this)
  }

  /** The password. Never log it. */
  get password(): string {
    return this.#password
  }

  toString(): string {
    return `LoginCredentials(user=${this.user}, password=***${this.expiresAt ? `, expires ${this.expiresAt.toISOString()}` : ''})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
