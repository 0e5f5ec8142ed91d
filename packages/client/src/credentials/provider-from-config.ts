import type { RedshiftConfigData } from '../config/resolve-config.js'
import type { CredentialsProvider } from './credentials-provider.js'
import { provisionedCredentials, serverlessCredentials } from './iam-credentials.js'
import { LoginCredentials } from './login-credentials.js'
import { RefreshingCredentials, type RefreshOptions, StaticCredentials } from './refreshing-credentials.js'
import { secretsCredentials } from './secrets-credentials.js'

/**
 * The credentials provider a configuration describes: static for `withDatabaseAuth`, IAM
 * (GetClusterCredentials / ...WithIAM, or Serverless GetCredentials when a workgroup is set, after
 * assuming `roleArn` when given) for `withIamAuth` / `withIamRole`, Secrets Manager for
 * `withSecretsManager`. Nothing is fetched, and no AWS SDK package loaded, until the first `get()`.
 *
 * @example
 * const provider = credentialsProviderFor(config)
 * const login = await provider.get()
 */
export function credentialsProviderFor(
  config: RedshiftConfigData,
  options: RefreshOptions = {},
): CredentialsProvider {
  const source = config.credentials
  // The AWS SDK clients a source creates, destroyed (sockets closed) when the client closes.
  const sdkClients = new Set<{ destroy(): void }>()
  const track = (client: { destroy(): void }) => void sdkClients.add(client)
  const withClose: RefreshOptions = {
    ...options,
    onClose: () => {
      for (const client of sdkClients) client.destroy()
      sdkClients.clear()
      options.onClose?.()
    },
  }
  switch (source.kind) {
    case 'database':
      return new StaticCredentials(new LoginCredentials(source.user, source.password))
    case 'iam':
      return config.workgroup !== undefined
        ? new RefreshingCredentials(
            'iam-serverless',
            'GetCredentials',
            serverlessCredentials(config, source, track),
            withClose,
          )
        : new RefreshingCredentials(
            'iam',
            source.dbUser === undefined ? 'GetClusterCredentialsWithIAM' : 'GetClusterCredentials',
            provisionedCredentials(config, source, track),
            withClose,
          )
    case 'secrets-manager':
      return new RefreshingCredentials(
        'secrets-manager',
        'GetSecretValue',
        secretsCredentials(config, source.secretId, track),
        withClose,
      )
  }
}
