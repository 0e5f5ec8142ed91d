import { describe, expect, it } from 'vitest'
import { ConfigError, parseRedshiftHost, RedshiftConfig } from '../../src/index.js'
import { problemsOf as problemsOfError } from '../problems-of.js'

const problemsOf = (build: () => unknown) => problemsOfError(build, ConfigError)

describe('RedshiftConfig.fromEnv', () => {
  it('reads the REDSHIFT_* variables', () => {
    const c = RedshiftConfig.fromEnv({
      REDSHIFT_HOST: 'my-cluster.abc.us-west-2.redshift.amazonaws.com',
      REDSHIFT_PORT: '5440',
      REDSHIFT_DATABASE: 'analytics',
      REDSHIFT_USER: 'etl',
      REDSHIFT_PASSWORD: 'pw',
      REDSHIFT_SSL_MODE: 'verify-ca',
      REDSHIFT_POOL_SIZE: '4',
      REDSHIFT_QUERY_GROUP: 'etl',
      REDSHIFT_TRANSPORT: 'wire',
      REDSHIFT_CLUSTER_ID: 'my-cluster',
    })
    expect(c).toMatchObject({
      endpoint: {
        host: 'my-cluster.abc.us-west-2.redshift.amazonaws.com',
        port: 5440,
        database: 'analytics',
      },
      credentials: { kind: 'database', user: 'etl' },
      sslMode: 'verify-ca',
      poolSize: 4,
      defaultQueryGroup: 'etl',
      clusterIdentifier: 'my-cluster',
      region: 'us-west-2',
    })
  })

  it('infers IAM and Secrets Manager credentials, and takes the region from AWS_REGION', () => {
    const iam = RedshiftConfig.fromEnv({
      REDSHIFT_HOST: 'h',
      REDSHIFT_IAM_ROLE: 'arn:aws:iam::123456789012:role/R',
      AWS_REGION: 'ap-south-1',
    })
    expect(iam.credentials).toMatchObject({ kind: 'iam', roleArn: 'arn:aws:iam::123456789012:role/R' })
    expect(iam.region).toBe('ap-south-1')
    const dataApi = RedshiftConfig.fromEnv({
      REDSHIFT_TRANSPORT: 'data-api',
      REDSHIFT_WORKGROUP: 'wg-1',
      REDSHIFT_DATABASE: 'sales',
      REDSHIFT_SECRET_ID: 's',
    })
    expect([dataApi.transport, dataApi.workgroup, dataApi.endpoint.database, dataApi.credentials]).toEqual([
      'data-api',
      'wg-1',
      'sales',
      { kind: 'secrets-manager', secretId: 's' },
    ])
    // REDSHIFT_USER alone is the Data API's DbUser; nothing at all is the caller's IAM identity.
    const dbUser = RedshiftConfig.fromEnv({
      REDSHIFT_TRANSPORT: 'data-api',
      REDSHIFT_CLUSTER_ID: 'etl',
      REDSHIFT_USER: 'loader',
    })
    expect(dbUser.credentials).toMatchObject({ kind: 'iam', dbUser: 'loader' })
    expect(
      RedshiftConfig.fromEnv({ REDSHIFT_TRANSPORT: 'data-api', REDSHIFT_CLUSTER_ID: 'etl' }).credentials,
    ).toMatchObject({ kind: 'iam' })
    const secret = RedshiftConfig.fromEnv({
      REDSHIFT_WORKGROUP: 'wg-1',
      REDSHIFT_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
    })
    expect(secret.credentials).toEqual({
      kind: 'secrets-manager',
      secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
    })
    expect(secret.workgroup).toBe('wg-1')
  })

  it('names the variable each bad value came from, all at once', () => {
    const problems = problemsOf(() =>
      RedshiftConfig.fromEnv({
        REDSHIFT_HOST: 'h',
        REDSHIFT_PORT: 'abc',
        REDSHIFT_POOL_SIZE: '-1',
        REDSHIFT_SSL_MODE: 'maybe',
        REDSHIFT_TRANSPORT: 'carrier-pigeon',
        REDSHIFT_USER: 'u',
        REDSHIFT_PASSWORD: 'p',
      }),
    )
    expect(problems.map((p) => [p.field, p.source])).toEqual([
      ['transport', 'REDSHIFT_TRANSPORT'],
      ['port', 'REDSHIFT_PORT'],
      ['poolSize', 'REDSHIFT_POOL_SIZE'],
      ['sslMode', 'REDSHIFT_SSL_MODE'],
    ])
    expect(problems[1]?.message).toBe('must be a whole number from 1 to 65535, got "abc"')
  })

  it('says what is missing in an empty environment', () => {
    const problems = problemsOf(() => RedshiftConfig.fromEnv({}))
    expect(problems.map((p) => p.field)).toEqual(['host', 'credentials'])
    expect(problems[0]?.message).toMatch(/REDSHIFT_HOST or REDSHIFT_URL/)
  })

  it('refuses several credential sources', () => {
    const problems = problemsOf(() =>
      RedshiftConfig.fromEnv({ REDSHIFT_HOST: 'h', REDSHIFT_PASSWORD: 'p', REDSHIFT_SECRET_ID: 's' }),
    )
    expect(problems).toEqual([
      {
        field: 'credentials',
        message: 'several credential sources are set; set only one of them',
        source: 'REDSHIFT_PASSWORD, REDSHIFT_SECRET_ID',
      },
    ])
  })

  it('reports a user without a password', () => {
    const problems = problemsOf(() => RedshiftConfig.fromEnv({ REDSHIFT_HOST: 'h', REDSHIFT_USER: 'u' }))
    expect(problems.map((p) => p.field)).toEqual(['password'])
  })

  it('reads REDSHIFT_URL, with specific variables overriding its parts; empty variables are unset', () => {
    const c = RedshiftConfig.fromEnv({
      REDSHIFT_URL: 'redshift://u:p@urlhost:5439/urldb?sslmode=require',
      REDSHIFT_DATABASE: 'envdb',
      REDSHIFT_PORT: '',
    })
    expect(c.endpoint).toEqual({ host: 'urlhost', port: 5439, database: 'envdb' })
    expect(c.sslMode).toBe('require')
    const problems = problemsOf(() =>
      RedshiftConfig.fromEnv({ REDSHIFT_URL: 'redshift://u:p@h:5439/db?sslmode=nah' }),
    )
    expect(problems[0]?.source).toBe('REDSHIFT_URL ?sslmode')
  })

  it('ranks builder options over a URL over the environment', () => {
    const c = RedshiftConfig.builder()
      .poolSize(7)
      .fromEnv({
        REDSHIFT_HOST: 'envhost',
        REDSHIFT_POOL_SIZE: '3',
        REDSHIFT_USER: 'u',
        REDSHIFT_PASSWORD: 'p',
        REDSHIFT_DATABASE: 'envdb',
      })
      .fromUrl('redshift://urlhost/urldb')
      .build()
    expect(c.poolSize).toBe(7)
    expect(c.endpoint).toEqual({ host: 'urlhost', port: 5439, database: 'urldb' })
    expect(c.credentials).toMatchObject({ kind: 'database', user: 'u' })
  })
})

describe('RedshiftConfig.fromUrl', () => {
  it('reads redshift:// with user, password and parameters', () => {
    const c = RedshiftConfig.fromUrl(
      'redshift://etl:p%40ss%3Aword@localhost:5439/dev?sslmode=disable&queryGroup=nightly&applicationName=job',
    )
    expect(c.endpoint).toEqual({ host: 'localhost', port: 5439, database: 'dev' })
    expect(c.credentials.kind === 'database' && [c.credentials.user, c.credentials.password]).toEqual([
      'etl',
      'p@ss:word',
    ])
    expect(c.sslMode).toBe('disable')
    expect(c.defaultQueryGroup).toBe('nightly')
    expect(c.applicationName).toBe('job')
  })

  it('reads jdbc:redshift:// with properties after ? and ;', () => {
    const c = RedshiftConfig.fromUrl(
      'jdbc:redshift://examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com:5439/dev?user=admin;password=pw;ssl=false;loginTimeout=30',
    )
    expect(c.credentials).toMatchObject({ kind: 'database', user: 'admin' })
    expect(c.sslMode).toBe('disable')
    expect(c.connectionTimeoutMs).toBe(30_000)
    expect(c.clusterIdentifier).toBe('examplecluster')
    expect(c.region).toBe('us-west-2')
  })

  it('reads jdbc:redshift:iam:// as IAM authentication with its properties', () => {
    const c = RedshiftConfig.fromUrl(
      'jdbc:redshift:iam://examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com:5439/dev?DbUser=etl&AutoCreate=true&DbGroups=loaders,readers&ClusterID=examplecluster&Region=us-west-2',
    )
    expect(c.credentials).toEqual({
      kind: 'iam',
      dbUser: 'etl',
      dbGroups: ['loaders', 'readers'],
      autoCreate: true,
      durationSeconds: 900,
    })
    expect(c.clusterIdentifier).toBe('examplecluster')
  })

  it('reads the jdbc:redshift:iam://cluster:region/db form', () => {
    // Both JDBC IAM forms name a cluster (its host is looked up with DescribeClusters when connecting).
    for (const url of [
      'jdbc:redshift:iam://examplecluster:us-west-2/dev?DbUser=etl',
      'jdbc:redshift:iam://examplecluster/dev?Region=us-west-2&DbUser=etl',
    ]) {
      const c = RedshiftConfig.fromUrl(url)
      expect(c.clusterIdentifier).toBe('examplecluster')
      expect(c.region).toBe('us-west-2')
      expect(c.endpoint.host).toBeUndefined()
      expect(c.credentials).toMatchObject({ kind: 'iam', dbUser: 'etl' })
    }
    // Without IAM a cluster id is not enough: the wire transport needs a host.
    const problems = problemsOf(() =>
      RedshiftConfig.builder().clusterIdentifier('examplecluster').withDatabaseAuth('u', 'p').build(),
    )
    expect(problems.map((p) => p.field)).toEqual(['host'])
  })

  it('rejects what is not a Redshift URL', () => {
    const problems = problemsOf(() => RedshiftConfig.fromUrl('mysql://u:secret@h/db'))
    expect(problems[0]).toMatchObject({ field: 'url', source: 'url' })
    expect(problems[0]?.message).not.toContain('secret')
  })

  it('rejects a URL given as a host', () => {
    const problems = problemsOf(() =>
      RedshiftConfig.builder().endpoint('redshift://h:5439/dev').withDatabaseAuth('u', 'p').build(),
    )
    expect(problems[0]?.message).toMatch(/not a URL/)
  })
})

describe('parseRedshiftHost', () => {
  it.each([
    [
      'my-cluster.abc123.us-east-1.redshift.amazonaws.com',
      { kind: 'provisioned', clusterIdentifier: 'my-cluster', region: 'us-east-1' },
    ],
    [
      'My-Cluster.ABC.eu-central-1.redshift.amazonaws.com.',
      { kind: 'provisioned', clusterIdentifier: 'my-cluster', region: 'eu-central-1' },
    ],
    [
      'c.x.cn-north-1.redshift.amazonaws.com.cn',
      { kind: 'provisioned', clusterIdentifier: 'c', region: 'cn-north-1' },
    ],
    [
      'analytics.123456789012.eu-west-1.redshift-serverless.amazonaws.com',
      { kind: 'serverless', workgroup: 'analytics', accountId: '123456789012', region: 'eu-west-1' },
    ],
    [
      '123456789012.us-east-2.redshift-serverless.amazonaws.com',
      { kind: 'serverless', accountId: '123456789012', region: 'us-east-2' },
    ],
    ['redshift.example.com', { kind: 'other' }],
    ['localhost', { kind: 'other' }],
    ['10.0.0.5', { kind: 'other' }],
  ])('%s', (host, info) => {
    expect(parseRedshiftHost(host)).toEqual(info)
  })

  it('chooses verify-full for AWS and remote hosts, prefer for loopback', () => {
    const mode = (host: string) =>
      RedshiftConfig.builder().endpoint(host).withDatabaseAuth('u', 'p').build().sslMode
    expect(mode('c.x.us-east-1.redshift.amazonaws.com')).toBe('verify-full')
    expect(mode('warehouse.example.com')).toBe('verify-full')
    expect(mode('127.0.0.1')).toBe('prefer')
    expect(mode('::1')).toBe('prefer')
  })
})
