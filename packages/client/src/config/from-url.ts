import { redactSecrets } from '../errors/redact.js'
import type { AuthMethod } from './credentials.js'
import { type ConfigLayer, emptyLayer, put, type SettingKey } from './settings.js'

// URL query properties understood (case-insensitive), JDBC's names included. Others are ignored,
// since URLs copied from consoles carry many driver-only properties.
const PROPERTIES: Readonly<Record<string, SettingKey>> = {
  sslmode: 'sslMode',
  sslrootcert: 'sslRootCertPath',
  user: 'user',
  uid: 'user',
  password: 'password',
  pwd: 'password',
  dbuser: 'dbUser',
  dbgroups: 'dbGroups',
  autocreate: 'autoCreate',
  clusterid: 'clusterIdentifier',
  clusteridentifier: 'clusterIdentifier',
  region: 'region',
  iamduration: 'iamDurationSeconds',
  profile: 'profile',
  querygroup: 'defaultQueryGroup',
  query_group: 'defaultQueryGroup',
  applicationname: 'applicationName',
  application_name: 'applicationName',
  transport: 'transport',
  workgroup: 'workgroup',
  serverlessworkgroupname: 'workgroup',
  secretid: 'secretId',
  rolearn: 'roleArn',
  poolsize: 'poolSize',
  fetchsize: 'fetchSize',
  connectiontimeoutms: 'connectionTimeoutMs',
}
// JDBC gives these in seconds.
const SECONDS_PROPERTIES: Readonly<Record<string, SettingKey>> = {
  connecttimeout: 'connectionTimeoutMs',
  logintimeout: 'connectionTimeoutMs',
}

const URL_FORM =
  /^(?:jdbc:)?(redshift|postgres|postgresql)(:iam)?:\/\/([^/?#;]*)(?:\/([^?#;]*))?(?:[?;](.*))?$/i

/** A bare cluster id (no dot, not a loopback name): what the JDBC IAM forms put where a host goes. */
function isClusterId(text: string): boolean {
  return /^[a-z][a-z0-9-]{0,62}$/i.test(text) && text.toLowerCase() !== 'localhost'
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * Reads a connection URL into a configuration layer:
 * `redshift://user:pass@host:5439/db?sslmode=verify-full&queryGroup=etl` (also `postgres://`),
 * `jdbc:redshift://host:5439/db?user=...&password=...`, and `jdbc:redshift:iam://host:5439/db?DbUser=...`
 * (IAM authentication; also the `jdbc:redshift:iam://cluster-id:region/db` form). Properties may be
 * separated by `&` or `;`. `source` names the origin in problems (`url`, `REDSHIFT_URL`).
 *
 * @example
 * readUrl('jdbc:redshift:iam://my-cluster.abc.us-east-1.redshift.amazonaws.com:5439/dev?DbUser=etl&AutoCreate=true')
 */
export function readUrl(url: string, source = 'url'): ConfigLayer {
  const layer = emptyLayer()
  const m = URL_FORM.exec(url.trim())
  if (m === null) {
    layer.problems.push({
      field: 'url',
      message: `is not a Redshift URL (${redactSecrets(url).slice(0, 120)}); expected redshift://user:password@host:5439/database, jdbc:redshift://... or jdbc:redshift:iam://...`,
      source,
    })
    return layer
  }
  const [, , iam, authority = '', path = '', query = ''] = m
  const at = authority.lastIndexOf('@')
  const userinfo = at >= 0 ? authority.slice(0, at) : ''
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority
  let method: AuthMethod | undefined = iam ? 'iam' : undefined

  if (userinfo !== '') {
    const colon = userinfo.indexOf(':')
    put(layer, 'user', decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo), source)
    if (colon >= 0) put(layer, 'password', decode(userinfo.slice(colon + 1)), source)
  }
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort)
  const [host, portText] = bracket
    ? [bracket[1], bracket[2]]
    : hostPort.includes(':')
      ? [hostPort.slice(0, hostPort.lastIndexOf(':')), hostPort.slice(hostPort.lastIndexOf(':') + 1)]
      : [hostPort, undefined]
  if (iam && portText !== undefined && /^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(portText)) {
    // jdbc:redshift:iam://<cluster-id>:<region>/db names a cluster, not a host.
    put(layer, 'clusterIdentifier', host, source)
    put(layer, 'region', portText, source)
  } else if (iam && portText === undefined && host !== undefined && isClusterId(host)) {
    // jdbc:redshift:iam://<cluster-id>/db?Region=... names a cluster too (a host has a dot, or is localhost).
    put(layer, 'clusterIdentifier', host, source)
  } else {
    put(layer, 'host', host === undefined ? undefined : decode(host), source)
    put(layer, 'port', portText, source)
  }
  put(layer, 'database', decode(path.replace(/\/$/, '')), source)

  for (const pair of query.split(/[&;]/)) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq >= 0 ? pair.slice(0, eq) : pair)
    const value = eq >= 0 ? decode(pair.slice(eq + 1)) : 'true'
    const key = name.toLowerCase()
    const where = `${source} ?${name}`
    const setting = PROPERTIES[key]
    if (setting !== undefined) put(layer, setting, value, where)
    const seconds = SECONDS_PROPERTIES[key]
    if (seconds !== undefined) {
      put(layer, seconds, /^\d+$/.test(value) ? String(Number(value) * 1000) : value, where)
    }
    if (key === 'ssl' && /^(false|0|off)$/i.test(value)) put(layer, 'sslMode', 'disable', where)
    if (key === 'secretid') method = 'secrets-manager'
    if (key === 'rolearn') method = 'iam'
  }
  if (method === undefined && layer.values.has('password')) method = 'database'
  if (method !== undefined) put(layer, 'authMethod', method, source)
  return layer
}
