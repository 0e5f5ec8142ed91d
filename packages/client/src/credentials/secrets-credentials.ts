/** Database credentials from an AWS Secrets Manager secret (GetSecretValue). */
import type { RedshiftConfigData } from '../config/resolve-config.js'
import { AuthenticationError } from '../errors/connection-errors.js'
import { credentialsFailure } from './aws-failure.js'
import { loadSecretsManager, sdkClientConfig } from './aws-sdk.js'
import { LoginCredentials, type SecretEndpoint } from './login-credentials.js'

function endpointOf(value: Readonly<Record<string, unknown>>): SecretEndpoint {
  const port = typeof value.port === 'string' && /^\d+$/.test(value.port) ? Number(value.port) : value.port
  return {
    ...(typeof value.host === 'string' && value.host !== '' ? { host: value.host } : {}),
    ...(typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? { port } : {}),
    ...(typeof value.dbname === 'string' && value.dbname !== '' ? { database: value.dbname } : {}),
  }
}

/**
 * Reads a secret's JSON (`username`, `password`, and `host`, `port`, `dbname` when the secret has
 * them) into login credentials. Throws an `AuthenticationError` naming the secret, never its value,
 * when the JSON is missing or lacks the fields.
 *
 * @example
 * parseSecret('prod/etl', '{"username":"etl","password":"...","host":"c.abc.us-east-1.redshift.amazonaws.com","port":5439}')
 */
export function parseSecret(secretId: string, secretString: string | undefined): LoginCredentials {
  let value: unknown
  try {
    value = secretString === undefined ? undefined : JSON.parse(secretString)
  } catch {
    value = undefined
  }
  if (typeof value !== 'object' || value === null) {
    throw new AuthenticationError(
      `secret ${secretId} does not hold JSON with username and password (as Redshift secrets do); store {"username": ..., "password": ...} in it`,
    )
  }
  const v = value as Readonly<Record<string, unknown>>
  if (
    typeof v.username !== 'string' ||
    v.username === '' ||
    typeof v.password !== 'string' ||
    v.password === ''
  ) {
    throw new AuthenticationError(
      `secret ${secretId} has no ${typeof v.username === 'string' && v.username !== '' ? 'password' : 'username'} field; Redshift secrets hold "username" and "password"`,
    )
  }
  return new LoginCredentials(v.username, v.password, { endpoint: endpointOf(v) })
}

/**
 * Fetches the current value of the configured secret. The secret does not expire: when its
 * password is rotated, the next login fails and the provider fetches it again.
 *
 * @example
 * const login = await secretsCredentials(config, 'prod/redshift/etl')()
 */
export function secretsCredentials(
  config: RedshiftConfigData,
  secretId: string,
  track?: (client: { destroy(): void }) => void,
): () => Promise<LoginCredentials> {
  const what = `GetSecretValue for secret ${secretId}`
  let client: Promise<{ fetch: () => Promise<string | undefined> }> | undefined
  const create = async () => {
    const sdk = await loadSecretsManager()
    const secrets = new sdk.SecretsManagerClient(await sdkClientConfig(config))
    track?.(secrets)
    return {
      async fetch() {
        return (await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId }))).SecretString
      },
    }
  }
  return async () => {
    client ??= create()
    let text: string | undefined
    try {
      text = await (await client).fetch()
    } catch (error) {
      if (await client.then(() => false).catch(() => true)) client = undefined
      throw credentialsFailure(error, what)
    }
    return parseSecret(secretId, text)
  }
}
