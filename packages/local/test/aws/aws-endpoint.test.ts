/** The local AWS endpoint, driven by the official AWS SDK v3 clients and logged into with `pg`. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  DescribeClustersCommand,
  DescribeCustomDomainAssociationsCommand,
  GetClusterCredentialsCommand,
  GetClusterCredentialsWithIAMCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift'
import {
  GetCredentialsCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

const run = promisify(execFile)
let local: LocalRedshift
let aws: NonNullable<LocalRedshift['aws']>

interface Keys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

function sdkConfig(credentials?: Keys) {
  return {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: credentials ?? { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    maxAttempts: 1,
  }
}

async function login(user: string, password: string, database = local.database): Promise<pg.Client> {
  const c = new pg.Client({
    host: local.wire.host,
    port: local.wire.port,
    database,
    user,
    password,
    ssl: { ca: local.tls?.caCert, servername: 'localhost' },
  })
  c.on('error', () => undefined)
  await c.connect()
  return c
}

async function loginFails(user: string, password: string): Promise<{ code?: string; message: string }> {
  try {
    const c = await login(user, password)
    await c.end()
  } catch (error) {
    return error as { code?: string; message: string }
  }
  throw new Error(`login of ${user} succeeded`)
}

beforeAll(async () => {
  local = await startLocalRedshift({
    users: [
      { name: 'awsuser', password: 'Password1', superuser: true },
      { name: 'analyst', password: 'Analyst-pw1', groups: ['analysts'] },
    ],
    aws: {
      clusters: [{ identifier: 'redshift-local', customDomainName: 'warehouse.example.internal' }],
      workgroups: [{ name: 'analytics', customDomainName: 'serverless.example.internal' }],
      secrets: [
        { name: 'redshift-local/awsuser', username: 'awsuser' },
        { name: 'etl/loader', username: 'etl_loader' },
      ],
    },
  })
  if (local.aws === undefined) throw new Error('the AWS endpoint should be on by default')
  aws = local.aws
})
afterAll(async () => {
  await local?.stop()
})

describe('STS', () => {
  it('GetCallerIdentity names the configured key’s IAM user', async () => {
    const id = await new STSClient(sdkConfig()).send(new GetCallerIdentityCommand({}))
    expect(id).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/local-admin' })
    expect(id.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
  })

  it('AssumeRole returns session keys that sign later requests as the assumed role', async () => {
    const roleArn = 'arn:aws:iam::000000000000:role/RedshiftRole'
    const assumed = await new STSClient(sdkConfig()).send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test-session', DurationSeconds: 900 }),
    )
    const creds = assumed.Credentials
    expect(creds?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(creds?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 800_000)
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::000000000000:assumed-role/RedshiftRole/test-session',
    )
    const keys = {
      accessKeyId: creds?.AccessKeyId ?? '',
      secretAccessKey: creds?.SecretAccessKey ?? '',
      sessionToken: creds?.SessionToken ?? '',
    }
    const who = await new STSClient(sdkConfig(keys)).send(new GetCallerIdentityCommand({}))
    expect(who.Arn).toBe('arn:aws:sts::000000000000:assumed-role/RedshiftRole/test-session')

    // The database user of an assumed role is IAMR:<role>.
    const iam = await new RedshiftClient(sdkConfig(keys)).send(
      new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'redshift-local' }),
    )
    expect(iam.DbUser).toBe('IAMR:RedshiftRole')
    const c = await login(iam.DbUser ?? '', iam.DbPassword ?? '')
    expect((await c.query('select current_user as u')).rows[0]).toEqual({ u: 'IAMR:RedshiftRole' })
    await c.end()

    const forged = { ...keys, sessionToken: `${keys.sessionToken.slice(0, -4)}AAAA` }
    await expect(
      new STSClient(sdkConfig(forged)).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    })
  })

  it('refuses roles of another account with AccessDenied, and bad input with ValidationError', async () => {
    const sts = new STSClient(sdkConfig())
    await expect(
      sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/Other', RoleSessionName: 's1' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    await expect(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/R',
          RoleSessionName: 's1',
          DurationSeconds: 7200,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('MaxSessionDuration'),
    })
  })
})

describe('request signing', () => {
  it('refuses a wrong secret key in each service’s own error shape', async () => {
    const wrong = { accessKeyId: aws.accessKeyId, secretAccessKey: 'not-the-configured-secret' }
    await expect(
      new STSClient(sdkConfig(wrong)).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    })
    await expect(
      new RedshiftClient(sdkConfig(wrong)).send(new DescribeClustersCommand({})),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' })
    await expect(
      new SecretsManagerClient(sdkConfig(wrong)).send(new GetSecretValueCommand({ SecretId: 'etl/loader' })),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400 } })
  })

  it('refuses an unknown key, and a request signed for another region', async () => {
    const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret' }
    await expect(
      new STSClient(sdkConfig(unknown)).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    })
    await expect(
      new RedshiftServerlessClient(sdkConfig(unknown)).send(
        new GetWorkgroupCommand({ workgroupName: 'analytics' }),
      ),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' })
    await expect(
      new STSClient({ ...sdkConfig(), region: 'eu-west-1' }).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', message: expect.stringContaining('eu-west-1') })
  })

  it('refuses an unsigned request with MissingAuthenticationToken', async () => {
    const res = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeClusters&Version=2012-12-01',
    })
    expect(res.status).toBe(403)
    expect(await res.text()).toMatch(/<Code>MissingAuthenticationToken<\/Code>/)
  })
})

describe('redshift', () => {
  const redshift = () => new RedshiftClient(sdkConfig())

  it('GetClusterCredentials issues IAM:<user> with that user’s privileges, for DurationSeconds', async () => {
    const before = Date.now()
    const creds = await redshift().send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: 'redshift-local',
        DbUser: 'awsuser',
        DurationSeconds: 1800,
      }),
    )
    expect(creds.DbUser).toBe('IAM:awsuser')
    expect(creds.DbPassword).toMatch(/^[\w-]{32}$/)
    const lifetime = (creds.Expiration?.getTime() ?? 0) - before
    expect(lifetime).toBeGreaterThan(1_790_000)
    expect(lifetime).toBeLessThan(1_810_000)
    const c = await login(creds.DbUser ?? '', creds.DbPassword ?? '')
    const row = (
      await c.query('select current_user as u, usesuper from pg_user where usename = current_user')
    ).rows[0]
    expect(row).toEqual({ u: 'IAM:awsuser', usesuper: true })
    // A Redshift superuser, never the engine's: the host stays out of reach.
    expect((await c.query('show is_superuser')).rows[0]).toEqual({ is_superuser: 'off' })
    await c.end()
  })

  it('AutoCreate creates the user (IAMA:) and DbGroups join it to groups; without it the login fails', async () => {
    const creds = await redshift().send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: 'redshift-local',
        DbUser: 'newcomer',
        AutoCreate: true,
        DbGroups: ['analysts'],
      }),
    )
    expect(creds.DbUser).toBe('IAMA:newcomer')
    const c = await login(creds.DbUser ?? '', creds.DbPassword ?? '')
    const groups = await c.query(
      "select pg_has_role(current_user, 'analysts', 'member') as g, pg_has_role(current_user, 'newcomer', 'member') as u",
    )
    expect(groups.rows[0]).toEqual({ g: true, u: true })
    await c.end()

    const ghost = await redshift().send(
      new GetClusterCredentialsCommand({ ClusterIdentifier: 'redshift-local', DbUser: 'ghost' }),
    )
    expect(ghost.DbUser).toBe('IAM:ghost')
    const failure = await loginFails(ghost.DbUser ?? '', ghost.DbPassword ?? '')
    expect(failure.code).toBe('28000')
  })

  it('an expired temporary password fails login with 28000, and a wrong one too', async () => {
    const creds = await redshift().send(
      new GetClusterCredentialsCommand({ ClusterIdentifier: 'redshift-local', DbUser: 'analyst' }),
    )
    const c = await login(creds.DbUser ?? '', creds.DbPassword ?? '')
    await c.end()
    expect(aws.expireCredentials('IAM:analyst')).toBe(1)
    const expired = await loginFails(creds.DbUser ?? '', creds.DbPassword ?? '')
    expect(expired).toMatchObject({
      code: '28000',
      message: 'password authentication failed for user "IAM:analyst"',
    })
    expect((await loginFails('IAM:analyst', 'guessed-password')).code).toBe('28000')
  })

  it('validates input as Redshift does', async () => {
    await expect(
      redshift().send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'nope', DbUser: 'awsuser' })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundFault', $metadata: { httpStatusCode: 404 } })
    await expect(
      redshift().send(
        new GetClusterCredentialsCommand({
          ClusterIdentifier: 'redshift-local',
          DbUser: 'awsuser',
          DurationSeconds: 60,
        }),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('between 900 and 3600') })
    await expect(
      redshift().send(
        new GetClusterCredentialsCommand({ ClusterIdentifier: 'redshift-local', DbUser: 'IAM:x' }),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('DbUser') })
  })

  it('custom domain names resolve to their cluster', async () => {
    const assoc = await redshift().send(
      new DescribeCustomDomainAssociationsCommand({ CustomDomainName: 'warehouse.example.internal' }),
    )
    expect(assoc.Associations?.[0]?.CertificateAssociations).toEqual([
      { CustomDomainName: 'warehouse.example.internal', ClusterIdentifier: 'redshift-local' },
    ])
    const creds = await redshift().send(
      new GetClusterCredentialsCommand({ CustomDomainName: 'warehouse.example.internal', DbUser: 'awsuser' }),
    )
    expect(creds.DbUser).toBe('IAM:awsuser')
  })

  it('DescribeClusters points at the wire gateway', async () => {
    const { Clusters } = await redshift().send(
      new DescribeClustersCommand({ ClusterIdentifier: 'redshift-local' }),
    )
    expect(Clusters?.[0]).toMatchObject({
      ClusterIdentifier: 'redshift-local',
      ClusterStatus: 'available',
      DBName: 'dev',
      MasterUsername: 'awsuser',
      Endpoint: { Address: local.wire.host, Port: local.wire.port },
    })
    await expect(
      redshift().send(new DescribeClustersCommand({ ClusterIdentifier: 'other' })),
    ).rejects.toMatchObject({
      name: 'ClusterNotFoundFault',
    })
  })

  it('GetClusterCredentialsWithIAM maps an IAM user to IAM:<name>', async () => {
    const creds = await redshift().send(
      new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'redshift-local' }),
    )
    expect(creds.DbUser).toBe('IAM:local-admin')
    expect(creds.NextRefreshTime?.getTime()).toBeLessThan(creds.Expiration?.getTime() ?? 0)
    const c = await login(creds.DbUser ?? '', creds.DbPassword ?? '')
    await c.end()
  })
})

describe('redshift-serverless', () => {
  it('GetWorkgroup and GetCredentials (by name and by custom domain)', async () => {
    const serverless = new RedshiftServerlessClient(sdkConfig())
    const { workgroup } = await serverless.send(new GetWorkgroupCommand({ workgroupName: 'analytics' }))
    expect(workgroup).toMatchObject({
      workgroupName: 'analytics',
      status: 'AVAILABLE',
      endpoint: { address: local.wire.host, port: local.wire.port },
    })
    const creds = await serverless.send(
      new GetCredentialsCommand({ workgroupName: 'analytics', dbName: 'dev' }),
    )
    expect(creds.dbUser).toBe('IAM:local-admin')
    expect(creds.expiration).toBeInstanceOf(Date)
    const c = await login(creds.dbUser ?? '', creds.dbPassword ?? '')
    await c.end()
    const byDomain = await serverless.send(
      new GetCredentialsCommand({ customDomainName: 'serverless.example.internal' }),
    )
    expect(byDomain.dbUser).toBe('IAM:local-admin')
    await expect(
      serverless.send(new GetWorkgroupCommand({ workgroupName: 'missing' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
  })
})

describe('secretsmanager', () => {
  const secrets = () => new SecretsManagerClient(sdkConfig())

  it('holds the JSON Redshift secrets hold, and a configured user’s password', async () => {
    const value = await secrets().send(new GetSecretValueCommand({ SecretId: 'redshift-local/awsuser' }))
    expect(value.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:redshift-local\/awsuser-[A-Za-z]{6}$/,
    )
    expect(JSON.parse(value.SecretString ?? '')).toEqual({
      username: 'awsuser',
      password: 'Password1',
      engine: 'redshift',
      host: local.wire.host,
      port: local.wire.port,
      dbname: 'dev',
      dbClusterIdentifier: 'redshift-local',
    })
    const byArn = await secrets().send(new GetSecretValueCommand({ SecretId: value.ARN }))
    expect(byArn.Name).toBe('redshift-local/awsuser')
    await expect(secrets().send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
  })

  it('rotation changes the user’s password: the new one logs in, the old one no longer does', async () => {
    const read = async (stage?: string) =>
      JSON.parse(
        (
          await secrets().send(
            new GetSecretValueCommand({ SecretId: 'etl/loader', ...(stage ? { VersionStage: stage } : {}) }),
          )
        ).SecretString ?? '',
      ) as { username: string; password: string }
    const before = await read()
    expect(before.username).toBe('etl_loader')
    await (await login(before.username, before.password)).end()
    aws.rotateSecret('etl/loader')
    const after = await read()
    expect(after.password).not.toBe(before.password)
    expect((await read('AWSPREVIOUS')).password).toBe(before.password)
    await (await login(after.username, after.password)).end()
    expect((await loginFails(before.username, before.password)).code).toBe('28000')
    expect(() => aws.rotateSecret('redshift-local/awsuser')).toThrow(/configured user awsuser/)
  })
})

describe('the AWS CLI', () => {
  it('gets cluster credentials with --endpoint-url (skipped where the AWS CLI is not installed)', async (ctx) => {
    const found = await run('aws', ['--version']).then(
      () => true,
      () => false,
    )
    if (!found) ctx.skip()
    const { stdout } = await run(
      'aws',
      [
        '--endpoint-url',
        aws.endpoint,
        '--region',
        aws.region,
        '--output',
        'json',
        'redshift',
        'get-cluster-credentials',
        '--cluster-identifier',
        'redshift-local',
        '--db-user',
        'analyst',
        '--db-groups',
        'analysts',
        '--duration-seconds',
        '900',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: aws.accessKeyId,
          AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    )
    const creds = JSON.parse(stdout) as { DbUser: string; DbPassword: string; Expiration: string }
    expect(creds.DbUser).toBe('IAM:analyst')
    const c = await login(creds.DbUser, creds.DbPassword)
    expect((await c.query("select pg_has_role(current_user, 'analysts', 'member') as g")).rows[0]).toEqual({
      g: true,
    })
    await c.end()
  }, 60_000)
})
