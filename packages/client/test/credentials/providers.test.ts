/** Each credentials provider against a local Redshift and its AWS endpoint, through the real AWS SDK clients. */
import type { LocalRedshift } from '@redshift-kit/local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { credentialsProviderFor } from '../../src/credentials/provider-from-config.js'
import { AuthenticationError, ConfigError, NotFoundError } from '../../src/errors/index.js'
import { awsOf, localBuilder, ROLE_ARN, startLocalWithAws } from './local-aws.js'

let local: LocalRedshift
const clients: RedshiftClient[] = []

function track(client: RedshiftClient): RedshiftClient {
  clients.push(client)
  return client
}

async function whoAmI(client: RedshiftClient): Promise<unknown> {
  const r = await client.executeQuery('SELECT current_user AS u, 1 + 1 AS two')
  expect(r.rows[0]?.get('two')).toBe(2)
  return r.rows[0]?.get('u')
}

beforeAll(async () => {
  local = await startLocalWithAws()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await local?.stop()
})

describe('credential providers', () => {
  it('static user and password', async () => {
    const client = track(createClient(localBuilder(local).withDatabaseAuth('analyst', 'Analyst-pw1').build()))
    expect(await whoAmI(client)).toBe('analyst')
    expect((await client.getDiagnostics()).credentials).toMatchObject({ method: 'password', expiresAt: null })
  })

  it('IAM for a provisioned cluster: GetClusterCredentials with DbUser, cluster id from config', async () => {
    const config = localBuilder(local)
      .clusterIdentifier('redshift-local')
      .withIamAuth({ dbUser: 'analyst', dbGroups: ['analysts'] })
      .build()
    const client = track(createClient(config))
    expect(await whoAmI(client)).toBe('IAM:analyst')
    const d = await client.getDiagnostics()
    expect(d.authMethod).toBe('iam')
    expect(d.credentials).toMatchObject({
      method: 'iam',
      source: 'GetClusterCredentials',
      user: 'IAM:analyst',
      fetches: 1,
    })
    expect(Date.parse(d.credentials?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 800_000)
  })

  it('IAM with AutoCreate names the login IAMA:<user>', async () => {
    const config = localBuilder(local)
      .clusterIdentifier('redshift-local')
      .withIamAuth({ dbUser: 'auto_created', autoCreate: true })
      .build()
    expect(await whoAmI(track(createClient(config)))).toBe('IAMA:auto_created')
  })

  it('IAM without a DbUser: GetClusterCredentialsWithIAM maps the IAM user to IAM:<name>', async () => {
    const client = track(
      createClient(localBuilder(local).clusterIdentifier('redshift-local').withIamAuth().build()),
    )
    expect(await whoAmI(client)).toBe('IAM:local-admin')
  })

  it('withIamRole assumes the role through STS first: the user is IAMR:<role>', async () => {
    const client = track(
      createClient(localBuilder(local).clusterIdentifier('redshift-local').withIamRole(ROLE_ARN).build()),
    )
    expect(await whoAmI(client)).toBe('IAMR:RedshiftRole')
  })

  it('Redshift Serverless: GetCredentials for the workgroup', async () => {
    const client = track(createClient(localBuilder(local).withServerless('analytics').withIamAuth().build()))
    expect(await whoAmI(client)).toBe('IAM:local-admin')
    expect((await client.getDiagnostics()).credentials).toMatchObject({
      method: 'iam-serverless',
      source: 'GetCredentials',
    })
  })

  it('Secrets Manager: host, port and database come from the secret when not configured', async () => {
    const aws = awsOf(local)
    const config = localBuilder(local).withSecretsManager('redshift-local/awsuser').build()
    const fromSecretOnly = track(
      createClient(
        (await import('../../src/config/redshift-config.js')).RedshiftConfig.builder()
          .withSecretsManager('redshift-local/awsuser')
          .sslCa(local.tls?.caCert ?? '')
          .region(aws.region)
          .awsEndpoint(aws.endpoint)
          .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
          .build(),
      ),
    )
    expect(fromSecretOnly.config.endpoint.host).toBeUndefined()
    expect(await whoAmI(fromSecretOnly)).toBe('awsuser')
    expect((await fromSecretOnly.getDiagnostics()).endpoint).toEqual({
      host: local.wire.host,
      port: local.wire.port,
      database: local.database,
    })
    expect(await whoAmI(track(createClient(config)))).toBe('awsuser')
  })

  it('jdbc:redshift:iam://cluster/db?Region= names a cluster: its host is found with DescribeClusters', async () => {
    const aws = awsOf(local)
    const { RedshiftConfig } = await import('../../src/config/redshift-config.js')
    for (const url of [
      `jdbc:redshift:iam://redshift-local/${local.database}?Region=${aws.region}&DbUser=analyst`,
      `jdbc:redshift:iam://redshift-local:${aws.region}/${local.database}?DbUser=analyst`,
    ]) {
      const config = RedshiftConfig.builder()
        .fromUrl(url)
        .sslMode('verify-ca')
        .sslCa(local.tls?.caCert ?? '')
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .build()
      expect(config.endpoint.host).toBeUndefined()
      expect(config.clusterIdentifier).toBe('redshift-local')
      const client = track(createClient(config))
      expect(await whoAmI(client)).toBe('IAM:analyst')
      expect((await client.getDiagnostics()).endpoint.port).toBe(local.wire.port)
    }
  })

  it("withIamAuth({ profile }) uses that profile's keys, region and endpoint_url", async () => {
    const aws = awsOf(local)
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'rk-profile-'))
    writeFileSync(
      join(dir, 'config'),
      `[profile local-rs]\nregion = ${aws.region}\nendpoint_url = ${aws.endpoint}\n`,
    )
    writeFileSync(
      join(dir, 'credentials'),
      `[local-rs]\naws_access_key_id = ${aws.accessKeyId}\naws_secret_access_key = ${aws.secretAccessKey}\n`,
    )
    const saved = { ...process.env }
    process.env.AWS_CONFIG_FILE = join(dir, 'config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_PROFILE'])
      delete process.env[name]
    try {
      const { RedshiftConfig } = await import('../../src/config/redshift-config.js')
      const config = RedshiftConfig.builder()
        .endpoint(local.wire.host, local.wire.port, local.database)
        .sslMode('verify-full')
        .sslCa(local.tls?.caCert ?? '')
        .clusterIdentifier('redshift-local')
        .withIamAuth({ profile: 'local-rs', dbUser: 'analyst' })
        .build()
      expect(await whoAmI(track(createClient(config)))).toBe('IAM:analyst')
    } finally {
      process.env = saved
    }
  })

  it('custom domain names: asked by domain, falling back to the cluster id', async () => {
    const atDomain = (host: string) =>
      localBuilder(local).endpoint(host, local.wire.port, local.database).withIamAuth({ dbUser: 'analyst' })
    const domainConfig = atDomain('warehouse.example.internal').build()
    expect((await credentialsProviderFor(domainConfig).get()).user).toBe('IAM:analyst')
    const unknownDomain = atDomain('unknown.example.internal').build()
    await expect(credentialsProviderFor(unknownDomain).get()).rejects.toThrow(
      /custom domain unknown\.example\.internal/,
    )
    const fallback = atDomain('unknown.example.internal').clusterIdentifier('redshift-local').build()
    expect((await credentialsProviderFor(fallback).get()).user).toBe('IAM:analyst')
  })

  it('failures name the call and map to the error tree', async () => {
    const missing = localBuilder(local)
      .clusterIdentifier('no-such-cluster')
      .withIamAuth({ dbUser: 'x' })
      .build()
    const error = await createClient(missing)
      .executeQuery('SELECT 1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as Error).message).toMatch(
      /GetClusterCredentials for cluster no-such-cluster failed: Cluster no-such-cluster not found/,
    )
    // No region anywhere: not in the configuration, the environment or an AWS config file.
    const saved = { ...process.env }
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name]
    process.env.AWS_CONFIG_FILE = '/dev/null'
    try {
      const config = localBuilder(local, { region: false })
        .clusterIdentifier('redshift-local')
        .withIamAuth()
        .build()
      const noRegion = await credentialsProviderFor(config)
        .get()
        .catch((e: unknown) => e)
      expect(noRegion).toBeInstanceOf(ConfigError)
      expect((noRegion as ConfigError).problems[0]).toMatchObject({ field: 'region' })
    } finally {
      process.env = saved
    }
  })

  it('a wrong AWS secret key is refused by the endpoint’s signature check', async () => {
    const aws = awsOf(local)
    const config = localBuilder(local)
      .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: 'not-the-right-secret-key' })
      .clusterIdentifier('redshift-local')
      .withIamAuth({ dbUser: 'analyst' })
      .build()
    const error = await track(createClient(config))
      .executeQuery('SELECT 1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toMatch(/SignatureDoesNotMatch|signature we calculated does not match/)
    expect(String((error as Error).stack)).not.toContain('not-the-right-secret-key')
  })
})
