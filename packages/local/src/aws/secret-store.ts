/** The Secrets Manager secrets the endpoint serves, with their versions (AWSCURRENT, AWSPREVIOUS). */
import { randomBytes, randomUUID } from 'node:crypto'
import type { LocalSecret } from './aws-options.js'
import { type DatabaseLogins, type DatabaseRoles, newPassword } from './database-logins.js'

/** One version of a secret. */
export interface SecretVersion {
  readonly versionId: string
  readonly secretString: string
  readonly createdAt: Date
}

/** A secret: its ARN, its current and previous versions. */
export interface StoredSecret {
  readonly name: string
  readonly arn: string
  readonly username: string
  readonly createdAt: Date
  current: SecretVersion
  previous: SecretVersion | undefined
}

/** Where the secrets' database users connect, for the JSON Redshift's secrets hold. */
export interface SecretTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly region: string
  readonly accountId: string
  readonly defaultCluster: string | undefined
  /** Passwords of the configured users. */
  readonly users: ReadonlyMap<string, string>
}

const SUFFIX = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

function arnSuffix(): string {
  // Secrets Manager appends six random characters to every secret's ARN.
  return [...randomBytes(6)].map((b) => SUFFIX[b % SUFFIX.length]).join('')
}

/**
 * Secrets holding database credentials. A secret of a configured user carries that user's password;
 * a secret of any other user owns its password: the user is created in the engine, logs in through
 * {@link DatabaseLogins}, and {@link SecretStore.rotate} changes the password in both places at once.
 */
export class SecretStore {
  readonly #secrets = new Map<string, StoredSecret>()
  readonly #target: SecretTarget
  readonly #logins: DatabaseLogins
  readonly #clusters = new Map<string, string | undefined>()

  private constructor(target: SecretTarget, logins: DatabaseLogins) {
    this.#target = target
    this.#logins = logins
  }

  /** Creates the secrets (and the engine users of the secrets that own their password). */
  static async create(
    secrets: readonly LocalSecret[],
    target: SecretTarget,
    logins: DatabaseLogins,
    roles: DatabaseRoles,
  ): Promise<SecretStore> {
    const store = new SecretStore(target, logins)
    for (const s of secrets) {
      const configured = target.users.get(s.username)
      let password = s.password ?? configured
      if (configured === undefined || (s.password !== undefined && s.password !== configured)) {
        // Not a configured user (or a different password): the secret owns the user's password.
        password ??= newPassword()
        await roles.createUser(s.username)
        logins.setManaged(s.username, password)
      }
      store.#clusters.set(s.name, s.clusterIdentifier ?? target.defaultCluster)
      store.#secrets.set(s.name, {
        name: s.name,
        arn: `arn:aws:secretsmanager:${target.region}:${target.accountId}:secret:${s.name}-${arnSuffix()}`,
        username: s.username,
        createdAt: new Date(),
        current: store.#version(s.name, s.username, password as string),
        previous: undefined,
      })
    }
    return store
  }

  /** The secret named by `id`: its name, its full ARN, or its ARN without the random suffix. */
  find(id: string): StoredSecret | undefined {
    const byName = this.#secrets.get(id)
    if (byName !== undefined) return byName
    for (const s of this.#secrets.values()) {
      if (s.arn === id || s.arn.slice(0, -7) === id) return s
    }
    return undefined
  }

  /** Names of every secret. */
  names(): string[] {
    return [...this.#secrets.keys()]
  }

  /**
   * Rotates a secret of a user whose password it owns: a new password (given or generated) becomes
   * AWSCURRENT and the only one the user can log in with; the old version becomes AWSPREVIOUS.
   */
  rotate(name: string, password: string = newPassword()): void {
    const secret = this.find(name)
    if (secret === undefined) {
      throw new Error(
        `rotateSecret: no secret named ${JSON.stringify(name)}; secrets: ${this.names().join(', ')}`,
      )
    }
    if (!this.#logins.isManaged(secret.username)) {
      throw new Error(
        `rotateSecret: ${secret.name} holds the password of configured user ${secret.username}, which is fixed; ` +
          'give the secret a user that is not among `users` to rotate it',
      )
    }
    this.#logins.setManaged(secret.username, password)
    secret.previous = secret.current
    secret.current = this.#version(secret.name, secret.username, password)
  }

  #version(name: string, username: string, password: string): SecretVersion {
    const t = this.#target
    const cluster = this.#clusters.get(name)
    const value = {
      username,
      password,
      engine: 'redshift',
      host: t.host,
      port: t.port,
      dbname: t.database,
      ...(cluster === undefined ? {} : { dbClusterIdentifier: cluster }),
    }
    return { versionId: randomUUID(), secretString: JSON.stringify(value), createdAt: new Date() }
  }
}
