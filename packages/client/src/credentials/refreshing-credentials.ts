import type { CredentialsMethod, CredentialsProvider, CredentialsStatus } from './credentials-provider.js'
import type { LoginCredentials } from './login-credentials.js'

/** Options of {@link RefreshingCredentials}. */
export interface RefreshOptions {
  /**
   * Refresh when less than this is left of the credentials' life, so new connections get at least
   * this long. @default half their lifetime, at most 5 minutes
   */
  readonly refreshMarginMs?: number
  /** The clock (for tests). @default Date.now */
  readonly now?: () => number
  /** Called by `close()`: releases the source's clients. */
  readonly onClose?: () => void
}

const MAX_MARGIN_MS = 5 * 60 * 1000

/**
 * A provider that fetches credentials from a source (IAM, Serverless, Secrets Manager), caches them,
 * and fetches new ones before they expire. However many connections ask at once, one fetch is in
 * flight. When a fetch fails while the cached credentials are still valid, those are used.
 *
 * @example
 * const provider = new RefreshingCredentials('iam', 'GetClusterCredentials', () => fetchFromAws())
 * const [a, b] = await Promise.all([provider.get(), provider.get()])   // one call to AWS
 */
export class RefreshingCredentials implements CredentialsProvider {
  readonly method: CredentialsMethod
  readonly #source: string
  readonly #fetch: () => Promise<LoginCredentials>
  readonly #margin: number | undefined
  readonly #now: () => number
  readonly #onClose: (() => void) | undefined
  #current: LoginCredentials | undefined
  #fetchedAt: number | undefined
  #inFlight: Promise<LoginCredentials> | undefined
  #fetches = 0

  constructor(
    method: CredentialsMethod,
    source: string,
    fetch: () => Promise<LoginCredentials>,
    options: RefreshOptions = {},
  ) {
    this.method = method
    this.#source = source
    this.#fetch = fetch
    this.#margin = options.refreshMarginMs
    this.#now = options.now ?? (() => Date.now())
    this.#onClose = options.onClose
  }

  close(): void {
    this.#onClose?.()
  }

  async get(): Promise<LoginCredentials> {
    const current = this.#current
    if (current !== undefined && !this.#dueForRefresh(current)) return current
    try {
      return await this.#refresh()
    } catch (error) {
      // Still valid (only inside the refresh margin): better than failing the connection.
      if (current !== undefined && this.#current === current && !this.#expired(current)) return current
      throw error
    }
  }

  reject(credentials: LoginCredentials): boolean {
    if (this.#current === credentials) this.#current = undefined
    return true
  }

  status(): CredentialsStatus {
    const c = this.#current
    return {
      method: this.method,
      source: this.#source,
      user: c?.user ?? null,
      expiresAt: c?.expiresAt?.toISOString() ?? null,
      fetchedAt: this.#fetchedAt === undefined ? null : new Date(this.#fetchedAt).toISOString(),
      fetches: this.#fetches,
    }
  }

  #refresh(): Promise<LoginCredentials> {
    this.#inFlight ??= (async () => {
      try {
        const fetched = await this.#fetch()
        this.#current = fetched
        this.#fetchedAt = this.#now()
        this.#fetches++
        return fetched
      } finally {
        this.#inFlight = undefined
      }
    })()
    return this.#inFlight
  }

  #expired(c: LoginCredentials): boolean {
    return c.expiresAt !== undefined && c.expiresAt.getTime() <= this.#now()
  }

  #dueForRefresh(c: LoginCredentials): boolean {
    if (c.expiresAt === undefined) return false
    const expiresAt = c.expiresAt.getTime()
    const lifetime = expiresAt - (this.#fetchedAt ?? this.#now())
    const margin = this.#margin ?? Math.min(lifetime / 2, MAX_MARGIN_MS)
    return expiresAt - this.#now() <= margin
  }
}

/**
 * A fixed user and password (`withDatabaseAuth`): nothing to refresh, and a refused login is final.
 *
 * @example
 * const provider = new StaticCredentials(new LoginCredentials('etl', password))
 */
export class StaticCredentials implements CredentialsProvider {
  readonly method = 'password' as const
  readonly #credentials: LoginCredentials

  constructor(credentials: LoginCredentials) {
    this.#credentials = credentials
  }

  async get(): Promise<LoginCredentials> {
    return this.#credentials
  }

  reject(): boolean {
    return false
  }

  status(): CredentialsStatus {
    return {
      method: 'password',
      source: 'static',
      user: this.#credentials.user,
      expiresAt: null,
      fetchedAt: null,
      fetches: 0,
    }
  }
}
