import { inspect } from 'node:util'

/**
 * AWS access keys, as the AWS SDK takes them.
 *
 * @example
 * const keys: AwsCredentialIdentity = { accessKeyId: 'AKIA...', secretAccessKey: '...' }
 * AwsCredentials.from(keys)
 */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
}

/**
 * A function the AWS SDK calls for keys (the shape of every `@aws-sdk/credential-providers` provider).
 *
 * @example
 * import { fromIni } from '@aws-sdk/credential-providers'
 * const provider: AwsCredentialIdentityProvider = fromIni({ profile: 'analytics' })
 * AwsCredentials.from(provider)
 */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>

/**
 * The AWS credentials the client signs its AWS calls with (STS, Redshift, Serverless, Secrets
 * Manager), when not the SDK's default chain: fixed keys or a provider function. Nothing of them is
 * enumerable, serialised or shown: `JSON.stringify` and `util.inspect` give only the kind.
 *
 * @example
 * const aws = AwsCredentials.from({ accessKeyId: 'AKIA...', secretAccessKey: '...' })
 * JSON.stringify(aws)   // '{"kind":"static"}'
 */
export class AwsCredentials {
  /** `static` keys or a `provider` function. */
  readonly kind: 'static' | 'provider'
  readonly #provider: AwsCredentialIdentityProvider

  private constructor(kind: 'static' | 'provider', provider: AwsCredentialIdentityProvider) {
    this.kind = kind
    this.#provider = provider
    Object.freeze(this)
  }

  /** Wraps keys or a provider; anything else is a `TypeError` naming what was expected. */
  static from(input: AwsCredentialIdentity | AwsCredentialIdentityProvider | AwsCredentials): AwsCredentials {
    if (input instanceof AwsCredentials) return input
    if (typeof input === 'function') return new AwsCredentials('provider', input)
    if (
      typeof input === 'object' &&
      input !== null &&
      typeof input.accessKeyId === 'string' &&
      typeof input.secretAccessKey === 'string'
    ) {
      const keys = Object.freeze({
        accessKeyId: input.accessKeyId,
        secretAccessKey: input.secretAccessKey,
        ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
        ...(input.expiration === undefined ? {} : { expiration: input.expiration }),
      })
      return new AwsCredentials('static', async () => keys)
    }
    throw new TypeError(
      'AWS credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a function returning them',
    )
  }

  /** The provider to hand the AWS SDK (`credentials` of a client config). */
  get provider(): AwsCredentialIdentityProvider {
    return this.#provider
  }

  toJSON(): { kind: 'static' | 'provider' } {
    return { kind: this.kind }
  }

  toString(): string {
    return `AwsCredentials(${this.kind})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
