import { RedshiftClient, RedshiftConfig, type SslMode } from '@redshift-kit/client'
import type { LocalRedshift } from '@redshift-kit/local'
import { bool, type Flags, str } from './command.js'
import { UsageError } from './exit-codes.js'
import type { CliIo } from './io.js'
import { type Profile, readProfile } from './profiles.js'

/** The connection options every command takes. */
export interface ConnectionOptions {
  readonly url?: string | undefined
  readonly profile?: string | undefined
  readonly sslMode?: string | undefined
  readonly sslRootCert?: string | undefined
  readonly local?: boolean | undefined
  /**
   * TIMESTAMP/TIMESTAMPTZ as the server's text, microseconds included, instead of a `Date`
   * (milliseconds): for commands that write values out, which must not lose a digit.
   */
  readonly exactTimestamps?: boolean | undefined
}

/** A connected client and what must be undone when the command ends. */
export interface Connection {
  readonly client: RedshiftClient
  close(): Promise<void>
}

function applyProfile(
  builder: ReturnType<typeof RedshiftConfig.builder>,
  p: Profile,
  env: CliIo['env'],
  name: string,
): void {
  if (p.url) builder.fromUrl(p.url)
  if (p.host) builder.endpoint(p.host, p.port ?? 5439, p.database ?? 'dev')
  if (p.user && p.passwordEnv) {
    const password = env[p.passwordEnv]
    if (password === undefined)
      throw new UsageError(`profile "${name}" takes its password from $${p.passwordEnv}, which is not set`)
    builder.withDatabaseAuth(p.user, password)
  }
  if (p.iam)
    builder.withIamAuth({ ...p.iam, ...(p.iam.dbUser === undefined && p.user ? { dbUser: p.user } : {}) })
  if (p.secretId) builder.withSecretsManager(p.secretId)
  if (p.dataApi) builder.withDataApi({ ...p.dataApi, database: p.database ?? 'dev' })
  if (p.workgroup) builder.withServerless(p.workgroup)
  if (p.clusterIdentifier) builder.clusterIdentifier(p.clusterIdentifier)
  if (p.region) builder.region(p.region)
  if (p.awsEndpoint) builder.awsEndpoint(p.awsEndpoint)
  if (p.sslMode) builder.sslMode(p.sslMode as SslMode)
  if (p.sslRootCert) builder.sslRootCert(p.sslRootCert)
  if (p.queryGroup) builder.defaultQueryGroup(p.queryGroup)
}

/**
 * Builds the client from, in increasing precedence: the `REDSHIFT_*` environment variables, a named
 * profile, `--url`, then the TLS flags. `--local` starts a redshift-local for the command's duration
 * and connects to it instead.
 */
export async function connect(options: ConnectionOptions, io: CliIo): Promise<Connection> {
  let local: LocalRedshift | undefined
  const builder = RedshiftConfig.builder().applicationName('redshift-kit')
  if (options.local) {
    // Loaded only for --local: the rest of the command stays small and starts fast.
    const { startLocalRedshift } = await import('@redshift-kit/local')
    local = await startLocalRedshift({ tls: false })
    builder.fromUrl(local.url())
  } else {
    const hasEnv = Object.keys(io.env).some((k) => k.startsWith('REDSHIFT_') && k !== 'REDSHIFT_KIT_CONFIG')
    if (hasEnv) builder.fromEnv(io.env)
    if (options.profile)
      applyProfile(builder, await readProfile(options.profile, io.env), io.env, options.profile)
    if (options.url) builder.fromUrl(options.url)
    if (!hasEnv && !options.profile && !options.url)
      throw new UsageError(
        'no connection given: pass --url redshift://user:pass@host:5439/db, --profile NAME, set REDSHIFT_URL (or REDSHIFT_HOST and friends), or use --local',
      )
  }
  if (options.sslMode) builder.sslMode(options.sslMode as SslMode)
  if (options.sslRootCert) builder.sslRootCert(options.sslRootCert)
  if (options.exactTimestamps) builder.typeParsers({ timestamps: 'string' })
  let client: RedshiftClient
  try {
    client = new RedshiftClient(builder.build())
  } catch (err) {
    await local?.stop()
    throw err
  }
  return {
    client,
    async close() {
      await client.close().finally(() => local?.stop())
    },
  }
}

/** The connection options every connecting command takes, for `--help`. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  profile: { type: 'string' },
  sslmode: { type: 'string' },
  'ssl-root-cert': { type: 'string' },
  local: { type: 'boolean' },
} as const

export const CONNECTION_HELP: readonly (readonly [string, string])[] = [
  ['--url URL', 'redshift://user:pass@host:5439/db, or a jdbc:redshift:// / jdbc:redshift:iam:// URL'],
  ['--profile NAME', 'a profile of ~/.config/redshift-kit/profiles.json (or $REDSHIFT_KIT_CONFIG)'],
  ['--sslmode MODE', 'disable, prefer, require, verify-ca, verify-full'],
  ['--ssl-root-cert FILE', 'CA certificate(s) to verify the server with'],
  ['--local', 'start a local Redshift for the duration of the command'],
]

/** {@link connect} with the parsed connection flags. */
export function connectWith(
  flags: Flags,
  io: CliIo,
  extra: Pick<ConnectionOptions, 'exactTimestamps'> = {},
): Promise<Connection> {
  return connect(
    {
      url: str(flags, 'url'),
      profile: str(flags, 'profile'),
      sslMode: str(flags, 'sslmode'),
      sslRootCert: str(flags, 'ssl-root-cert'),
      local: bool(flags, 'local'),
      ...extra,
    },
    io,
  )
}
