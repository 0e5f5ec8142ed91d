import type { AuthMethod } from './credentials.js'
import { readUrl } from './from-url.js'
import { envVariables } from './setting-specs.js'
import { type ConfigLayer, emptyLayer, put, type SettingKey } from './settings.js'

/** The environment variables {@link readEnv} reads, and the setting each one feeds (from setting-specs.ts). */
export const ENV_VARIABLES: Readonly<Record<string, SettingKey>> = Object.freeze(envVariables())

/**
 * Reads `REDSHIFT_*` variables into a configuration layer. `REDSHIFT_URL` is read first and the
 * individual variables override its parts (the more specific wins). The credential source is
 * inferred: `REDSHIFT_PASSWORD` -> database, `REDSHIFT_IAM_ROLE` -> IAM, `REDSHIFT_SECRET_ID` ->
 * Secrets Manager (several at once is a problem). `AWS_REGION` / `AWS_DEFAULT_REGION` give the
 * region when nothing else does. Empty variables count as unset.
 *
 * @example
 * readEnv({ REDSHIFT_HOST: 'localhost', REDSHIFT_USER: 'dev', REDSHIFT_PASSWORD: 'pw' })
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>): ConfigLayer {
  const url = env.REDSHIFT_URL
  const layer = url !== undefined && url.trim() !== '' ? readUrl(url, 'REDSHIFT_URL') : emptyLayer()
  for (const [name, key] of Object.entries(ENV_VARIABLES)) put(layer, key, env[name]?.trim(), name)
  put(
    layer,
    'ambientRegion',
    env.AWS_REGION || env.AWS_DEFAULT_REGION,
    env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION',
  )

  const implied: [AuthMethod, string][] = []
  if (env.REDSHIFT_PASSWORD) implied.push(['database', 'REDSHIFT_PASSWORD'])
  if (env.REDSHIFT_IAM_ROLE) implied.push(['iam', 'REDSHIFT_IAM_ROLE'])
  if (env.REDSHIFT_SECRET_ID) implied.push(['secrets-manager', 'REDSHIFT_SECRET_ID'])
  const fromUrl = layer.values.get('authMethod')
  if (implied.length === 1 && implied[0] !== undefined) put(layer, 'authMethod', implied[0][0], implied[0][1])
  else if (implied.length > 1) {
    const names = implied.map(([, n]) => n)
    put(layer, 'authMethod', names, names.join(', '))
  } else if (fromUrl === undefined && env.REDSHIFT_USER && !env.REDSHIFT_PASSWORD) {
    // A user without a password: report the missing password rather than "no credentials".
    put(layer, 'authMethod', 'database', 'REDSHIFT_USER')
  }
  return layer
}
