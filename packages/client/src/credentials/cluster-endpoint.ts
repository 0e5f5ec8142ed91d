import type { RedshiftConfigData } from '../config/resolve-config.js'
import { ConfigError } from '../errors/client-errors.js'
import { credentialsFailure } from './aws-failure.js'
import { loadRedshift, sdkClientConfig } from './aws-sdk.js'

/** Where a provisioned cluster listens. */
export interface ClusterEndpoint {
  readonly host: string
  readonly port: number
}

/**
 * The endpoint of the configured cluster (`redshift:DescribeClusters`), for a configuration that
 * names a cluster id and no host, as the JDBC driver's `jdbc:redshift:iam://cluster/db` forms do.
 *
 * @example
 * const { host, port } = await clusterEndpoint(RedshiftConfig.fromUrl('jdbc:redshift:iam://examplecluster:us-west-2/dev'))
 */
export async function clusterEndpoint(config: RedshiftConfigData): Promise<ClusterEndpoint> {
  const id = config.clusterIdentifier
  if (id === undefined)
    throw new ConfigError('no cluster id to look the host up by: set endpoint(host, port, database)')
  const sdk = await loadRedshift()
  const redshift = new sdk.RedshiftClient(await sdkClientConfig(config))
  try {
    const found = await redshift.send(new sdk.DescribeClustersCommand({ ClusterIdentifier: id }))
    const endpoint = found.Clusters?.[0]?.Endpoint
    if (endpoint?.Address === undefined) {
      throw new ConfigError(`cluster '${id}' has no endpoint yet (is it still being created?)`)
    }
    return { host: endpoint.Address, port: endpoint.Port ?? config.endpoint.port }
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw credentialsFailure(error, `redshift:DescribeClusters for cluster '${id}'`)
  } finally {
    redshift.destroy()
  }
}
