/** A local Redshift with its AWS endpoint, for the credentials tests (one per test file). */
import { type LocalRedshift, startLocalRedshift } from '@redshift-kit/local'
import { RedshiftConfig, type RedshiftConfigBuilder } from '../../src/config/redshift-config.js'

/** The role ARN the tests assume. */
export const ROLE_ARN = 'arn:aws:iam::000000000000:role/RedshiftRole'

/** Starts a local Redshift with a cluster, a workgroup, a custom domain and two secrets. */
export function startLocalWithAws(onLog?: (line: string) => void): Promise<LocalRedshift> {
  return startLocalRedshift({
    users: [
      { name: 'awsuser', password: 'Password1', superuser: true },
      { name: 'analyst', password: 'Analyst-pw1', groups: ['analysts'] },
    ],
    aws: {
      clusters: [{ identifier: 'redshift-local', customDomainName: 'warehouse.example.internal' }],
      workgroups: [{ name: 'analytics' }],
      secrets: [
        { name: 'redshift-local/awsuser', username: 'awsuser' },
        { name: 'etl/loader', username: 'etl_loader' },
      ],
    },
    ...(onLog ? { onLog } : {}),
  })
}

/** The local endpoint's handle (throws when the endpoint is off). */
export function awsOf(local: LocalRedshift): NonNullable<LocalRedshift['aws']> {
  if (local.aws === undefined) throw new Error('the local AWS endpoint is off')
  return local.aws
}

/**
 * A builder pointed at `local`'s gateway with TLS verified against its CA, and its AWS endpoint and
 * keys for the credential providers' AWS calls.
 */
export function localBuilder(
  local: LocalRedshift,
  options: { readonly region?: boolean } = {},
): RedshiftConfigBuilder {
  const aws = awsOf(local)
  const builder = RedshiftConfig.builder()
    .endpoint(local.wire.host, local.wire.port, local.database)
    .sslMode('verify-full')
    .sslCa(local.tls?.caCert ?? '')
    .awsEndpoint(aws.endpoint)
    .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
    .maxRetries(0)
  return options.region === false ? builder : builder.region(aws.region)
}
