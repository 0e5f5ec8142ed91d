import { inject } from 'vitest'
import { RedshiftConfig, type RedshiftConfigBuilder } from '../../src/config/redshift-config.js'

/** The two transports the matrix runs, each a config builder against the shared local Redshift. */
export const TRANSPORTS: readonly {
  readonly name: 'wire' | 'data-api'
  readonly config: () => RedshiftConfigBuilder
}[] = [
  {
    name: 'wire',
    config: () => {
      const s = inject('redshift')
      return RedshiftConfig.builder()
        .endpoint(s.host, s.port, s.database)
        .withDatabaseAuth(s.admin.name, s.admin.password)
        .sslMode('disable')
    },
  },
  { name: 'data-api', config: () => dataApiConfig() },
]

/** The Data API of the shared local Redshift, through the real SDK client, as the admin database user. */
export function dataApiConfig(): RedshiftConfigBuilder {
  const s = inject('redshift')
  return RedshiftConfig.builder()
    .withDataApi({ clusterIdentifier: 'redshift-local', database: s.database, dbUser: s.admin.name })
    .region(s.aws.region)
    .awsEndpoint(s.aws.endpoint)
    .awsCredentials({ accessKeyId: s.aws.accessKeyId, secretAccessKey: s.aws.secretAccessKey })
}
