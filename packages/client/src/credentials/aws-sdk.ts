/**
 * The AWS SDK v3 clients, loaded with dynamic `import()` only when a credential provider needs them:
 * they are optional peer dependencies, so wire-only installs never load (or need) them.
 */
import type { AwsCredentialIdentityProvider } from '../config/aws-credentials.js'
import type { RedshiftConfigData } from '../config/resolve-config.js'
import { ConfigError } from '../errors/client-errors.js'
import { redactSecrets } from '../errors/redact.js'
import { profileEndpoint } from './profile-endpoint.js'

/** The config every SDK client of one Redshift client shares: region, endpoint, credentials, profile. */
export interface SdkClientConfig {
  readonly region?: string
  readonly endpoint?: string
  readonly credentials?: AwsCredentialIdentityProvider
  readonly profile?: string
  readonly maxAttempts?: number
}

async function load<T>(name: string, method: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer()
  } catch (cause) {
    const missing = (cause as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND'
    throw new ConfigError(
      missing
        ? `${method} needs the AWS SDK package ${name}: install it with \`npm install ${name}\``
        : `could not load ${name} for ${method}`,
      { cause },
    )
  }
}

/** `@aws-sdk/client-redshift`. */
export const loadRedshift = () =>
  load('@aws-sdk/client-redshift', 'IAM authentication', () => import('@aws-sdk/client-redshift'))
/** `@aws-sdk/client-redshift-serverless`. */
export const loadServerless = () =>
  load(
    '@aws-sdk/client-redshift-serverless',
    'Redshift Serverless IAM authentication',
    () => import('@aws-sdk/client-redshift-serverless'),
  )
/** `@aws-sdk/client-secrets-manager`. */
export const loadSecretsManager = () =>
  load(
    '@aws-sdk/client-secrets-manager',
    'Secrets Manager authentication',
    () => import('@aws-sdk/client-secrets-manager'),
  )
/** `@aws-sdk/credential-providers` (for `withIamRole`). */
export const loadCredentialProviders = () =>
  load('@aws-sdk/credential-providers', 'withIamRole', () => import('@aws-sdk/credential-providers'))

/**
 * The AWS credentials of the SDK clients: the configured ones (or the SDK's default chain), and when
 * a role is configured, that role assumed through STS with them (`fromTemporaryCredentials`, which
 * refreshes the role session itself).
 */
export async function sdkClientConfig(config: RedshiftConfigData): Promise<SdkClientConfig> {
  const base = config.awsCredentials?.provider
  const roleArn = config.credentials.kind === 'iam' ? config.credentials.roleArn : undefined
  const profile = config.credentials.kind === 'iam' ? config.credentials.profile : undefined
  const endpoint = config.awsEndpoint ?? (profile === undefined ? undefined : profileEndpoint(profile))
  const shared = {
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(profile === undefined ? {} : { profile }),
  }
  if (roleArn === undefined) return { ...shared, ...(base === undefined ? {} : { credentials: base }) }
  // fromTemporaryCredentials calls STS AssumeRole with its own bundled STS client.
  const { fromTemporaryCredentials } = await loadCredentialProviders()
  const credentials = fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: `redshift-kit-${Date.now()}`, DurationSeconds: 3600 },
    ...(base === undefined ? {} : { masterCredentials: base }),
    clientConfig: shared,
  })
  return { ...shared, credentials }
}

/**
 * An AWS SDK exception made safe to keep as a `cause`: name, fault, status and redacted message
 * only. (An SDK exception can hold the raw HTTP response, which for a credentials call holds them.)
 */
export function safeAwsError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(redactSecrets(String(error)))
  const safe = new Error(redactSecrets(error.message))
  safe.name = error.name
  const e = error as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } }
  Object.assign(safe, {
    ...(typeof e.$fault === 'string' ? { $fault: e.$fault } : {}),
    $metadata: {
      httpStatusCode: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId,
    },
  })
  safe.stack = `${safe.name}: ${safe.message}`
  return safe
}
