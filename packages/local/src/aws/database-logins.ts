/**
 * Database logins the AWS endpoint hands out: IAM temporary passwords (GetClusterCredentials and
 * friends), and the passwords of users whose credentials live in a Secrets Manager secret. The
 * gateway asks {@link DatabaseLogins.passwordFor} when a login's password is not a configured one.
 */
import { randomBytes } from 'node:crypto'

/** How the endpoint creates database users in the engine. */
export interface DatabaseRoles {
  /** Whether a role (user or group) of that name exists. */
  exists(name: string): Promise<boolean>
  /** Creates a user that logs in (idempotent); the engine never checks its password, the gateway does. */
  createUser(name: string): Promise<void>
  /**
   * Creates a login named `name` (idempotent) with the privileges of database user `as` (superuser
   * when it is one) plus those of `groups` (`DbGroups`); roles that do not exist are skipped.
   */
  createLogin(
    name: string,
    grants: { readonly as?: string; readonly groups: readonly string[] },
  ): Promise<void>
}

interface Temporary {
  readonly password: string
  readonly expiresAt: number
}

/** A password for a database login: 32 URL-safe characters, as hard to guess as Redshift's. */
export function newPassword(): string {
  // Redshift's temporary passwords carry upper, lower and digits; base64url of 24 bytes does too.
  return randomBytes(24).toString('base64url')
}

/**
 * The passwords the endpoint issued. A temporary password is valid until its expiration; a newer one
 * for the same login replaces it (Redshift keeps older ones valid until they expire: the gateway's
 * lookup returns one password per login). Secret-held passwords last until rotated.
 */
export class DatabaseLogins {
  readonly #temporary = new Map<string, Temporary>()
  readonly #managed = new Map<string, string>()
  readonly #now: () => number

  constructor(now: () => number = () => Date.now()) {
    this.#now = now
  }

  /** Issues a temporary password for `login`, valid for `lifetimeMs`. */
  issue(login: string, lifetimeMs: number): { readonly password: string; readonly expiresAt: Date } {
    const password = newPassword()
    const expiresAt = this.#now() + lifetimeMs
    this.#temporary.set(login, { password, expiresAt })
    return { password, expiresAt: new Date(expiresAt) }
  }

  /** Sets the password of a user whose credentials a secret holds (at start and on rotation). */
  setManaged(user: string, password: string): void {
    this.#managed.set(user, password)
  }

  /** Whether `user`'s password is held by this store (a secret's user), so it can be rotated. */
  isManaged(user: string): boolean {
    return this.#managed.has(user)
  }

  /**
   * Ends temporary passwords now, as if their expiration had passed: every one, or `login`'s.
   * Returns how many were ended.
   */
  expire(login?: string): number {
    if (login === undefined) {
      const n = this.#temporary.size
      this.#temporary.clear()
      return n
    }
    return this.#temporary.delete(login) ? 1 : 0
  }

  /** The password `user` may log in with right now, or undefined (none issued, or expired). */
  passwordFor(user: string): string | undefined {
    const temporary = this.#temporary.get(user)
    if (temporary !== undefined) {
      if (temporary.expiresAt > this.#now()) return temporary.password
      this.#temporary.delete(user)
    }
    return this.#managed.get(user)
  }
}
