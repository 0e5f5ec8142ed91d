import { inspect } from 'node:util'

/**
 * How the client logs in to Redshift.
 *
 * @example
 * const source: CredentialSource = config.credentials
 * if (source.kind === 'iam') console.log(source.roleArn, source.durationSeconds)
 */
export type CredentialSource = DatabaseCredentials | IamCredentialSource | SecretsManagerCredentialSource

/**
 * The names of {@link CredentialSource} kinds.
 *
 * @example
 * const method: AuthMethod = config.credentials.kind   // 'password' | 'iam' | 'secrets-manager'
 */
export type AuthMethod = CredentialSource['kind']

/**
 * A database user and password. The password lives in a private field behind a prototype getter:
 * it is readable (`credentials.password`) but never enumerated, serialised or shown by `util.inspect`.
 *
 * @example
 * const c = new DatabaseCredentials('alice', 's3cret')
 * JSON.stringify(c) // '{"kind":"database","user":"alice"}'
 */
export class DatabaseCredentials {
  readonly kind = 'database' as const
  readonly user: string
  readonly #password: string

  constructor(user: string, password: string) {
    this.user = user
    this.#password = password
    Object.freeze(this)
  }

  /** The password. Never log it. */
  get password(): string {
    return this.#password
  }

  toString(): string {
    return `DatabaseCredentials(user=${this.user}, password=***)`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

/**
 * Options of IAM authentication (GetClusterCredentials, ...WithIAM, or Serverless GetCredentials).
 *
 * @example
 * RedshiftConfig.builder().endpoint(host, 5439, 'dev')
 *   .withIamAuth({ dbUser: 'etl', dbGroups: ['loaders'], durationSeconds: 3600 })
 */
export interface IamAuthOptions {
  /**
   * Assume this role first (`withIamRole`); otherwise the AWS SDK's default credential chain is used.
   * @example 'arn:aws:iam::123456789012:role/RedshiftRole'
   */
  readonly roleArn?: string
  /**
   * The database user to get credentials for (GetClusterCredentials `DbUser`). Without it a
   * provisioned cluster uses GetClusterCredentialsWithIAM, which derives the user from the IAM identity.
   */
  readonly dbUser?: string
  /** Database groups to join for the session (`DbGroups`). @default [] */
  readonly dbGroups?: readonly string[]
  /** Create the database user if it does not exist (`AutoCreate`). @default false */
  readonly autoCreate?: boolean
  /** Lifetime of the temporary password, 900-3600 seconds. @default 900 */
  readonly durationSeconds?: number
  /** Named profile of the shared AWS config files to take credentials from. */
  readonly profile?: string
}

/**
 * IAM authentication, resolved.
 *
 * @example
 * if (config.credentials.kind === 'iam') console.log(config.credentials.dbUser ?? '(from the IAM identity)')
 */
export interface IamCredentialSource {
  readonly kind: 'iam'
  readonly roleArn?: string
  readonly dbUser?: string
  readonly dbGroups: readonly string[]
  readonly autoCreate: boolean
  readonly durationSeconds: number
  readonly profile?: string
}

/**
 * Credentials read from an AWS Secrets Manager secret (`username`, `password`, ...).
 *
 * @example
 * if (config.credentials.kind === 'secrets-manager') console.log(config.credentials.secretId)
 */
export interface SecretsManagerCredentialSource {
  readonly kind: 'secrets-manager'
  /** Secret name or ARN. */
  readonly secretId: string
}

/**
 * Where and how the Data API transport runs statements (`RedshiftConfig.builder().withDataApi()`).
 * Give one of `clusterIdentifier` and `workgroupName`, and at most one of `secretArn` and `dbUser`
 * (neither: the caller's IAM identity).
 *
 * @example
 * const options: DataApiOptions = { workgroupName: 'analytics', database: 'dev' }
 */
export interface DataApiOptions {
  /** A provisioned cluster's identifier (`ClusterIdentifier`). */
  readonly clusterIdentifier?: string
  /** A Redshift Serverless workgroup (`WorkgroupName`). */
  readonly workgroupName?: string
  /** The database to connect to. @default 'dev' */
  readonly database?: string
  /** A Secrets Manager secret with the database user's name and password (`SecretArn`). */
  readonly secretArn?: string
  /** A database user to get temporary credentials for (`DbUser`; provisioned clusters only). */
  readonly dbUser?: string
  /**
   * The pages `streamResults` reads: `'json'` (GetStatementResult, typed fields, NULL distinct from
   * '') or `'csv'` (GetStatementResultV2: several times faster for large results, but CSV has no
   * NULL, so an empty string reads as NULL, and BIGINTs stay exact). @default 'json'
   */
  readonly streamFormat?: 'json' | 'csv'
}
