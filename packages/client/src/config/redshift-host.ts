/**
 * What a host name says about the Redshift endpoint behind it.
 *
 * @example
 * const info: RedshiftHostInfo = parseRedshiftHost('my-cluster.abc123.us-east-1.redshift.amazonaws.com')
 * if (info.kind === 'provisioned') console.log(info.clusterIdentifier, info.region) // my-cluster us-east-1
 */
export type RedshiftHostInfo =
  | {
      /** `<cluster>.<id>.<region>.redshift.amazonaws.com` */
      readonly kind: 'provisioned'
      readonly clusterIdentifier: string
      readonly region: string
    }
  | {
      /** `<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com` (or the older form without workgroup). */
      readonly kind: 'serverless'
      readonly workgroup?: string
      readonly accountId: string
      readonly region: string
    }
  | {
      /** Anything else: a custom domain, a load balancer, an IP address, localhost. */
      readonly kind: 'other'
    }

// The drivers' own patterns (redshift_connector, JDBC Driver.java), anchored, with the China
// partition's `.com.cn` suffix and the `-dev` variants.
const PROVISIONED = /^([^.]+)\.([^.]+)\.([^.]+)\.redshift(?:-dev)?\.amazonaws\.com(?:\.cn)?$/i
const SERVERLESS = /^(?:([^.]+)\.)?(\d{12})\.([^.]+)\.redshift-serverless(?:-dev)?\.amazonaws\.com(?:\.cn)?$/i

/**
 * Reads the cluster id and region, or the serverless workgroup, account and region, from a Redshift
 * endpoint host name.
 *
 * @example
 * parseRedshiftHost('my-cluster.abc123.us-east-1.redshift.amazonaws.com')
 * // { kind: 'provisioned', clusterIdentifier: 'my-cluster', region: 'us-east-1' }
 * parseRedshiftHost('analytics.123456789012.eu-west-1.redshift-serverless.amazonaws.com')
 * // { kind: 'serverless', workgroup: 'analytics', accountId: '123456789012', region: 'eu-west-1' }
 */
export function parseRedshiftHost(host: string): RedshiftHostInfo {
  const name = host.trim().replace(/\.$/, '').toLowerCase()
  const serverless = SERVERLESS.exec(name)
  if (serverless !== null) {
    const [, workgroup, accountId, region] = serverless as unknown as [
      string,
      string | undefined,
      string,
      string,
    ]
    return workgroup === undefined
      ? { kind: 'serverless', accountId, region }
      : { kind: 'serverless', workgroup, accountId, region }
  }
  const provisioned = PROVISIONED.exec(name)
  if (provisioned !== null) {
    const [, clusterIdentifier, , region] = provisioned as unknown as [string, string, string, string]
    return { kind: 'provisioned', clusterIdentifier, region }
  }
  return { kind: 'other' }
}

/**
 * Whether the host is this machine (where a local Redshift runs without a certificate for its name).
 *
 * @example
 * isLoopbackHost('127.0.0.1') // true
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1'
}

/**
 * Whether the host is an AWS-issued Redshift endpoint (provisioned or serverless).
 *
 * @example
 * isAwsRedshiftHost('wg.123456789012.us-east-1.redshift-serverless.amazonaws.com') // true
 */
export function isAwsRedshiftHost(host: string): boolean {
  return parseRedshiftHost(host).kind !== 'other'
}
