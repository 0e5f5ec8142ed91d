import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { UsageError } from './exit-codes.js'

/**
 * A named connection in the profiles file. Secrets are not written in the file: `passwordEnv` names the
 * environment variable that holds the password, or use IAM / Secrets Manager.
 *
 * @example
 * { "profiles": { "prod": { "host": "prod.abc.us-east-1.redshift.amazonaws.com", "database": "analytics",
 *                           "iam": { "dbUser": "etl" }, "region": "us-east-1" },
 *                 "lambda": { "dataApi": { "workgroupName": "analytics" }, "database": "dev", "region": "us-east-1" } } }
 */
export interface Profile {
  readonly url?: string
  readonly host?: string
  readonly port?: number
  readonly database?: string
  readonly user?: string
  readonly passwordEnv?: string
  readonly iam?: {
    readonly roleArn?: string
    readonly dbUser?: string
    readonly dbGroups?: readonly string[]
    readonly autoCreate?: boolean
    readonly profile?: string
  }
  readonly secretId?: string
  /**
   * The Redshift Data API instead of the wire protocol (no network path to the cluster needed): a
   * cluster or a serverless workgroup, as a secret's ARN, a database user, or the caller's IAM identity.
   */
  readonly dataApi?: {
    readonly clusterIdentifier?: string
    readonly workgroupName?: string
    readonly secretArn?: string
    readonly dbUser?: string
    readonly streamFormat?: 'json' | 'csv'
  }
  readonly workgroup?: string
  readonly clusterIdentifier?: string
  readonly region?: string
  readonly awsEndpoint?: string
  readonly sslMode?: string
  readonly sslRootCert?: string
  readonly queryGroup?: string
}

const PROFILE_KEYS = new Set([
  'url',
  'host',
  'port',
  'database',
  'user',
  'passwordEnv',
  'iam',
  'secretId',
  'dataApi',
  'workgroup',
  'clusterIdentifier',
  'region',
  'awsEndpoint',
  'sslMode',
  'sslRootCert',
  'queryGroup',
])

/** Where profiles are read from: `REDSHIFT_KIT_CONFIG`, else `~/.config/redshift-kit/profiles.json`. */
export function profilesPath(env: Readonly<Record<string, string | undefined>>): string {
  return (
    env.REDSHIFT_KIT_CONFIG ||
    path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'redshift-kit', 'profiles.json')
  )
}

/** Reads one profile, checking its fields (an unknown key is a mistake worth hearing about). */
export async function readProfile(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Profile> {
  const file = profilesPath(env)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new UsageError(
      `profile "${name}" needs the profiles file ${file}, which cannot be read (set REDSHIFT_KIT_CONFIG to use another file)`,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`)
  }
  const profiles = (parsed as { profiles?: Record<string, unknown> } | null)?.profiles
  const profile = profiles?.[name]
  if (typeof profile !== 'object' || profile === null) {
    const known = Object.keys(profiles ?? {})
    throw new UsageError(
      `no profile "${name}" in ${file}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`,
    )
  }
  if ('password' in profile)
    throw new UsageError(
      `profile "${name}" in ${file} has a "password": keep secrets out of the file; use "passwordEnv" (the name of an environment variable), "iam" or "secretId"`,
    )
  const unknown = Object.keys(profile).filter((k) => !PROFILE_KEYS.has(k))
  if (unknown.length)
    throw new UsageError(
      `profile "${name}" in ${file}: unknown key(s) ${unknown.join(', ')}; known: ${[...PROFILE_KEYS].join(', ')}`,
    )
  return profile as Profile
}
