import type * as RedshiftData from '@aws-sdk/client-redshift-data'
import type { RedshiftConfigData } from '../../config/resolve-config.js'
import { sdkClientConfig } from '../../credentials/aws-sdk.js'
import { ConfigError } from '../../errors/client-errors.js'

/** The SDK module and one client of it, shared by every statement of a transport. */
export interface DataApiSdk {
  readonly sdk: typeof RedshiftData
  readonly client: RedshiftData.RedshiftDataClient
}

/** Where statements run and as whom: the members every sessionless request carries. */
export interface DataApiTarget {
  readonly ClusterIdentifier?: string
  readonly WorkgroupName?: string
  readonly Database: string
  readonly SecretArn?: string
  readonly DbUser?: string
}

/** The request members naming the cluster or workgroup, the database and the login. */
export function dataApiTarget(config: RedshiftConfigData): DataApiTarget {
  const c = config.credentials
  return {
    ...(config.workgroup === undefined
      ? { ClusterIdentifier: config.clusterIdentifier as string }
      : { WorkgroupName: config.workgroup }),
    Database: config.endpoint.database,
    ...(c.kind === 'secrets-manager' ? { SecretArn: c.secretId } : {}),
    ...(c.kind === 'iam' && c.dbUser !== undefined ? { DbUser: c.dbUser } : {}),
  }
}

/**
 * Loads `@aws-sdk/client-redshift-data` (an optional peer dependency, imported only by a client
 * that uses the Data API) and builds its client: region, endpoint and keys from the configuration
 * when set there, else from the SDK's own chain (`AWS_REGION`, `AWS_ENDPOINT_URL_REDSHIFT_DATA`,
 * profiles, instance roles). The SDK's own retries are off: the client's retry policy decides.
 */
export async function createDataApiSdk(config: RedshiftConfigData): Promise<DataApiSdk> {
  let sdk: typeof RedshiftData
  try {
    sdk = await import('@aws-sdk/client-redshift-data')
  } catch (cause) {
    const missing = (cause as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND'
    throw new ConfigError(
      missing
        ? 'the Data API transport needs the AWS SDK package @aws-sdk/client-redshift-data: install it with `npm install @aws-sdk/client-redshift-data`'
        : 'could not load @aws-sdk/client-redshift-data for the Data API transport',
      { cause },
    )
  }
  const shared = await sdkClientConfig(config)
  const client = new sdk.RedshiftDataClient({ ...shared, maxAttempts: 1 })
  return { sdk, client }
}
