/** Who signs requests: the configured IAM users' keys, and the session keys AssumeRole hands out. */
import { createHash, randomBytes } from 'node:crypto'
import { AwsApiError } from './aws-api-error.js'
import type { LocalAccessKey } from './aws-options.js'

/** The IAM identity behind an access key. */
export type Principal =
  | {
      readonly kind: 'user'
      readonly arn: string
      /** IAM unique id (`AIDA...`). */
      readonly userId: string
      readonly userName: string
    }
  | {
      readonly kind: 'assumed-role'
      readonly arn: string
      /** `AROA...:<session name>`. */
      readonly userId: string
      readonly roleName: string
      readonly roleArn: string
      readonly sessionName: string
    }

/** An access key the endpoint knows: its secret, the session token it requires, and its identity. */
export interface KnownKey {
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiresAt?: Date
  readonly principal: Principal
}

/** Temporary security credentials (`sts:AssumeRole`). */
export interface SessionCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly expiration: Date
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function randomId(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const b of bytes) out += ALNUM[b % ALNUM.length]
  return out
}

/** A stable IAM-style unique id for a name (`AIDA` + 17 characters), so ids survive restarts. */
function stableId(prefix: string, name: string): string {
  const digest = createHash('sha256').update(name).digest()
  let out = ''
  for (let i = 0; i < 17; i++) out += ALNUM[(digest[i] as number) % ALNUM.length]
  return `${prefix}${out}`
}

/** The role name of an IAM role ARN (`arn:aws:iam::123456789012:role/path/Name` -> `Name`). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1)
}

/**
 * The access keys the endpoint accepts. Configured keys belong to IAM users; AssumeRole adds session
 * keys (`ASIA...`) that must come with their session token and stop working at their expiration.
 */
export class Identities {
  readonly #keys = new Map<string, KnownKey>()
  readonly #accountId: string

  constructor(accountId: string, keys: readonly Required<LocalAccessKey>[]) {
    this.#accountId = accountId
    for (const k of keys) {
      this.#keys.set(k.accessKeyId, {
        secretAccessKey: k.secretAccessKey,
        principal: {
          kind: 'user',
          arn: `arn:aws:iam::${accountId}:user/${k.userName}`,
          userId: stableId('AIDA', `${accountId}/${k.userName}`),
          userName: k.userName,
        },
      })
    }
  }

  /**
   * The key a request names, checked against its session token and expiry. Throws the error AWS
   * answers: `InvalidClientTokenId` (unknown key or wrong token) or `ExpiredToken`.
   */
  resolve(accessKeyId: string, sessionToken: string | undefined, now: Date): KnownKey {
    const key = this.#keys.get(accessKeyId)
    if (key === undefined || key.sessionToken !== sessionToken) {
      throw new AwsApiError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        403,
      )
    }
    if (key.expiresAt !== undefined && key.expiresAt.getTime() <= now.getTime()) {
      this.#keys.delete(accessKeyId)
      throw new AwsApiError('ExpiredToken', 'The security token included in the request is expired', 400)
    }
    return key
  }

  /** Issues session keys for `roleArn`, valid for `durationSeconds`. */
  assumeRole(
    roleArn: string,
    sessionName: string,
    durationSeconds: number,
    now: Date,
  ): {
    readonly credentials: SessionCredentials
    readonly principal: Principal & { readonly kind: 'assumed-role' }
  } {
    const roleName = roleNameOf(roleArn)
    const principal = {
      kind: 'assumed-role' as const,
      arn: `arn:aws:sts::${this.#accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `${stableId('AROA', roleArn)}:${sessionName}`,
      roleName,
      roleArn,
      sessionName,
    }
    const credentials: SessionCredentials = {
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJLocal${randomBytes(96).toString('base64')}`,
      expiration: new Date(now.getTime() + durationSeconds * 1000),
    }
    this.#sweep(now)
    this.#keys.set(credentials.accessKeyId, {
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiresAt: credentials.expiration,
      principal,
    })
    return { credentials, principal }
  }

  #sweep(now: Date): void {
    for (const [id, key] of this.#keys) {
      if (key.expiresAt !== undefined && key.expiresAt.getTime() <= now.getTime()) this.#keys.delete(id)
    }
  }
}

/**
 * The database user Redshift maps an IAM identity to (GetClusterCredentialsWithIAM, Serverless
 * GetCredentials): `IAM:<user>` for an IAM user, `IAMR:<role>` for an assumed role.
 *
 * @example
 * databaseUserOf({ kind: 'user', userName: 'etl', ... }) // 'IAM:etl'
 */
export function databaseUserOf(principal: Principal): string {
  return principal.kind === 'user' ? `IAM:${principal.userName}` : `IAMR:${principal.roleName}`
}
