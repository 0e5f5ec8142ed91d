import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CONFIG_DEFAULTS, ConfigError, RedshiftConfig } from '../../src/index.js'
import { problemsOf as problemsOfError } from '../problems-of.js'

const HOST = 'my-cluster.abc123.us-east-1.redshift.amazonaws.com'
const ROLE = 'arn:aws:iam::123456789012:role/RedshiftRole'

const problemsOf = (build: () => unknown) => problemsOfError(build, ConfigError)

describe('RedshiftConfig.builder', () => {
  it('builds the api.md example, reading cluster and region from the host', () => {
    const config = RedshiftConfig.builder()
      .endpoint(HOST, 5439, 'analytics')
      .withIamRole(ROLE)
      .poolSize(10)
      .build()
    expect(config.endpoint).toEqual({ host: HOST, port: 5439, database: 'analytics' })
    expect(config.credentials).toEqual({
      kind: 'iam',
      roleArn: ROLE,
      dbGroups: [],
      autoCreate: false,
      durationSeconds: 900,
    })
    expect(config.clusterIdentifier).toBe('my-cluster')
    expect(config.region).toBe('us-east-1')
    expect(config.sslMode).toBe('verify-full')
    expect(config.transport).toBe('wire')
  })

  it('has a documented default for every option', () => {
    const c = RedshiftConfig.builder().endpoint('localhost').withDatabaseAuth('u', 'p').build()
    expect(c).toMatchObject({
      endpoint: { host: 'localhost', port: 5439, database: 'dev' },
      poolSize: CONFIG_DEFAULTS.poolSize,
      minConnections: 0,
      connectionTimeoutMs: 10_000,
      idleTimeoutMs: 600_000,
      maxLifetimeMs: 1_800_000,
      defaultTimeoutMs: 0,
      maxQueryTimeoutMs: 0,
      fetchSize: 1000,
      maxRetries: 3,
      retryBackoffMs: 100,
      circuitBreakerThreshold: 5,
      applicationName: 'redshift-kit',
      validateAfterIdleMs: 30_000,
      sslMode: 'prefer', // loopback
    })
    expect(c.defaultQueryGroup).toBeUndefined()
  })

  it('sets every option', () => {
    const c = RedshiftConfig.builder()
      .endpoint('db.example.com', 5440, 'prod')
      .withSecretsManager('prod/redshift')
      .poolSize(20)
      .minConnections(2)
      .connectionTimeout(5000)
      .idleTimeout(1000)
      .maxLifetime(60_000)
      .defaultTimeout(30_000)
      .maxQueryTimeout(60_000)
      .fetchSize(500)
      .defaultQueryGroup('etl')
      .maxRetries(5)
      .retryBackoff(250)
      .circuitBreakerThreshold(0)
      .defaultCopyIamRole(ROLE)
      .defaultUnloadIamRole('default')
      .sslMode('require')
      .sslCa('-----BEGIN CERTIFICATE-----')
      .sslRootCert('/ca.pem')
      .region('eu-west-1')
      .clusterIdentifier('prod-cluster')
      .applicationName('etl')
      .validateAfterIdle(0)
      .build()
    expect(c).toMatchObject({
      endpoint: { host: 'db.example.com', port: 5440, database: 'prod' },
      credentials: { kind: 'secrets-manager', secretId: 'prod/redshift' },
      poolSize: 20,
      minConnections: 2,
      connectionTimeoutMs: 5000,
      idleTimeoutMs: 1000,
      maxLifetimeMs: 60_000,
      defaultTimeoutMs: 30_000,
      maxQueryTimeoutMs: 60_000,
      fetchSize: 500,
      defaultQueryGroup: 'etl',
      maxRetries: 5,
      retryBackoffMs: 250,
      circuitBreakerThreshold: 0,
      defaultCopyIamRole: ROLE,
      defaultUnloadIamRole: 'default',
      sslMode: 'require',
      sslCa: '-----BEGIN CERTIFICATE-----',
      sslRootCertPath: '/ca.pem',
      region: 'eu-west-1',
      clusterIdentifier: 'prod-cluster',
      applicationName: 'etl',
      validateAfterIdleMs: 0,
    })
  })

  it('configures serverless and IAM options', () => {
    const c = RedshiftConfig.builder()
      .endpoint('wg.123456789012.eu-west-1.redshift-serverless.amazonaws.com')
      .withIamAuth({ dbUser: 'etl', dbGroups: ['loaders'], autoCreate: true, durationSeconds: 3600 })
      .build()
    expect(c.workgroup).toBe('wg')
    expect(c.region).toBe('eu-west-1')
    expect(c.credentials).toEqual({
      kind: 'iam',
      dbUser: 'etl',
      dbGroups: ['loaders'],
      autoCreate: true,
      durationSeconds: 3600,
    })
    // The Data API: withDataApi names the target and the login; the caller's IAM identity by default.
    const dataApi = RedshiftConfig.builder()
      .withDataApi({ workgroupName: 'analytics', database: 'sales' })
      .build()
    expect([dataApi.transport, dataApi.workgroup, dataApi.endpoint.database, dataApi.credentials]).toEqual([
      'data-api',
      'analytics',
      'sales',
      { kind: 'iam', dbGroups: [], autoCreate: false, durationSeconds: 900 },
    ])
    const withSecret = RedshiftConfig.builder()
      .withDataApi({
        clusterIdentifier: 'etl',
        database: 'dev',
        secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
      })
      .build()
    expect([withSecret.clusterIdentifier, withSecret.credentials.kind]).toEqual(['etl', 'secrets-manager'])
    expect(
      problemsOf(() =>
        RedshiftConfig.builder().withDataApi({ workgroupName: 'analytics', dbUser: 'etl' }).build(),
      ),
    ).toEqual([
      expect.objectContaining({
        field: 'dbUser',
        message: expect.stringMatching(/provisioned clusters only/),
      }),
    ])
    expect(
      problemsOf(() =>
        RedshiftConfig.builder()
          .withDataApi({ clusterIdentifier: 'etl', dbUser: 'u', secretArn: 's' })
          .build(),
      ),
    ).toEqual([
      expect.objectContaining({
        field: 'credentials',
        message: expect.stringMatching(/several credential sources/),
      }),
    ])
  })

  it('is deep-frozen', () => {
    const c = RedshiftConfig.builder().endpoint('localhost').withDatabaseAuth('u', 'p').build()
    expect(Object.isFrozen(c)).toBe(true)
    expect(Object.isFrozen(c.endpoint)).toBe(true)
    expect(Object.isFrozen(c.credentials)).toBe(true)
    expect(() => {
      ;(c as { poolSize: number }).poolSize = 99
    }).toThrow(TypeError)
  })

  it('reports every problem at once, each naming its field', () => {
    const problems = problemsOf(() =>
      RedshiftConfig.builder()
        .endpoint('', 70_000, '')
        .poolSize(0)
        .minConnections(-1)
        .connectionTimeout(1.5)
        .fetchSize(0)
        .maxRetries(1000)
        .sslMode('bogus' as never)
        .transport('http' as never)
        .defaultQueryGroup('a\nb')
        .defaultCopyIamRole('not-an-arn')
        .region('mars')
        .applicationName('x'.repeat(64))
        .build(),
    )
    const fields = problems.map((p) => p.field)
    for (const field of [
      'host',
      'port',
      'database',
      'poolSize',
      'minConnections',
      'connectionTimeoutMs',
      'fetchSize',
      'maxRetries',
      'sslMode',
      'transport',
      'defaultQueryGroup',
      'defaultCopyIamRole',
      'region',
      'applicationName',
      'credentials',
    ]) {
      expect(fields).toContain(field)
    }
    expect(problems.every((p) => p.source === undefined)).toBe(true)
  })

  it('refuses telemetry options it does not have, and wlmQueue that is not a boolean', () => {
    const fields = problemsOf(() =>
      RedshiftConfig.builder()
        .endpoint('h')
        .withDatabaseAuth('u', 'p')
        .telemetry({ wlmQueue: 'yes', queue: true } as never)
        .build(),
    ).map((p) => `${p.field}: ${p.message}`)
    expect(fields).toContain('telemetry.wlmQueue: must be true or false')
    expect(fields.some((f) => f.startsWith('telemetry.queue: is not an option of telemetry'))).toBe(true)
  })

  it('checks fields against each other', () => {
    const fields = (b: () => unknown) => problemsOf(b).map((p) => `${p.field}: ${p.message}`)
    expect(
      fields(() =>
        RedshiftConfig.builder()
          .endpoint('h')
          .withDatabaseAuth('u', 'p')
          .poolSize(2)
          .minConnections(3)
          .build(),
      ),
    ).toEqual(['minConnections: (3) must not exceed poolSize (2)'])
    expect(
      fields(() =>
        RedshiftConfig.builder()
          .endpoint('h')
          .withDatabaseAuth('u', 'p')
          .defaultTimeout(10)
          .maxQueryTimeout(5)
          .build(),
      ),
    ).toEqual(['defaultTimeoutMs: (10 ms) must not exceed maxQueryTimeout (5 ms)'])
    expect(
      fields(() => RedshiftConfig.builder().endpoint(HOST).region('us-west-2').withIamAuth().build()),
    ).toEqual(["region: is 'us-west-2' but the host is in 'us-east-1'"])
    expect(
      fields(() =>
        RedshiftConfig.builder()
          .transport('data-api')
          .withDatabaseAuth('u', 'p')
          .clusterIdentifier('c')
          .build(),
      )[0],
    ).toMatch(/Data API cannot log in with a password/)
    expect(fields(() => RedshiftConfig.builder().transport('data-api').withIamAuth().build())[0]).toMatch(
      /cluster id or a serverless workgroup/,
    )
    expect(
      fields(() => RedshiftConfig.builder().endpoint('h').withIamRole('arn:aws:iam::1:role/x').build())[0],
    ).toMatch(/^roleArn: must be an IAM role ARN/)
  })

  it('lets the last credential call win', () => {
    const c = RedshiftConfig.builder()
      .endpoint('h')
      .withDatabaseAuth('u', 'p')
      .withSecretsManager('s')
      .build()
    expect(c.credentials.kind).toBe('secrets-manager')
  })
})

describe('secrets never leak', () => {
  const password = 'Tr0ub4dor&3-secret'
  const config = RedshiftConfig.builder().endpoint('localhost').withDatabaseAuth('bob', password).build()

  it('keeps the password readable for the transport', () => {
    expect(config.credentials.kind === 'database' && config.credentials.password).toBe(password)
  })

  it.each([
    ['toString', () => String(config)],
    ['JSON.stringify', () => JSON.stringify(config)],
    ['util.inspect', () => inspect(config, { depth: 10 })],
    ['util.inspect showHidden', () => inspect(config, { depth: 10, showHidden: true })],
    ['credentials JSON', () => JSON.stringify(config.credentials)],
    ['credentials inspect', () => inspect(config.credentials, { showHidden: true })],
    ['Object.keys', () => Object.keys(config.credentials).join()],
    [
      'builder inspect',
      () => inspect(RedshiftConfig.builder().withDatabaseAuth('bob', password), { showHidden: true }),
    ],
    ['builder toString', () => String(RedshiftConfig.builder().withDatabaseAuth('bob', password))],
  ])('%s', (_name, render) => {
    const text = render()
    expect(text).not.toContain(password)
  })

  it('keeps it out of ConfigErrors', () => {
    const e = (() => {
      try {
        RedshiftConfig.fromUrl(`redshift://bob:${password}@h:bad/db`)
      } catch (err) {
        return err as ConfigError
      }
      throw new Error('expected a ConfigError')
    })()
    expect(e.message).not.toContain(password)
    expect(JSON.stringify(e)).not.toContain(password)
    expect(inspect(e)).not.toContain(password)
  })
})
