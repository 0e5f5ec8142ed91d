import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { AwsCredentials } from '../../src/config/aws-credentials.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { LoginCredentials } from '../../src/credentials/login-credentials.js'
import { RefreshingCredentials } from '../../src/credentials/refreshing-credentials.js'
import { parseSecret } from '../../src/credentials/secrets-credentials.js'
import { AuthenticationError, ConfigError } from '../../src/errors/index.js'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('RefreshingCredentials', () => {
  it('keeps one fetch in flight however many ask, and caches until the refresh margin', async () => {
    let now = 0
    const pending: ReturnType<typeof deferred<LoginCredentials>>[] = []
    const provider = new RefreshingCredentials(
      'iam',
      'GetClusterCredentials',
      () => {
        const d = deferred<LoginCredentials>()
        pending.push(d)
        return d.promise
      },
      { now: () => now },
    )
    const asks = Array.from({ length: 20 }, () => provider.get())
    expect(pending).toHaveLength(1)
    const first = new LoginCredentials('IAM:a', 'pw1', { expiresAt: new Date(900_000) })
    pending[0]?.resolve(first)
    expect(new Set(await Promise.all(asks))).toEqual(new Set([first]))

    now = 449_000 // more than half the 900 s lifetime left: cached
    expect(await provider.get()).toBe(first)
    expect(pending).toHaveLength(1)

    now = 650_000 // inside the last 300 s: every caller waits for one refresh
    const again = [provider.get(), provider.get(), provider.get()]
    expect(pending).toHaveLength(2)
    const second = new LoginCredentials('IAM:a', 'pw2', { expiresAt: new Date(1_550_000) })
    pending[1]?.resolve(second)
    expect(await Promise.all(again)).toEqual([second, second, second])
    expect(provider.status()).toMatchObject({
      fetches: 2,
      user: 'IAM:a',
      expiresAt: new Date(1_550_000).toISOString(),
    })
  })

  it('uses still-valid credentials when a refresh fails, and fails once they have expired', async () => {
    let now = 0
    let fail = false
    const provider = new RefreshingCredentials(
      'iam',
      'x',
      async () => {
        if (fail) throw new Error('throttled')
        return new LoginCredentials('u', 'p', { expiresAt: new Date(now + 1000) })
      },
      { now: () => now },
    )
    const first = await provider.get()
    fail = true
    now = 800
    expect(await provider.get()).toBe(first)
    now = 1000
    await expect(provider.get()).rejects.toThrow('throttled')
  })

  it('reject drops the refused credentials only if they are still the cached ones', async () => {
    let n = 0
    const provider = new RefreshingCredentials(
      'secrets-manager',
      'GetSecretValue',
      async () => new LoginCredentials('u', `p${++n}`),
    )
    const first = await provider.get()
    expect(provider.reject(first)).toBe(true)
    const second = await provider.get()
    expect(second.password).toBe('p2')
    expect(provider.reject(first)).toBe(true)
    expect(await provider.get()).toBe(second)
  })
})

describe('secrets stay secret', () => {
  it('LoginCredentials show the user and expiry only', () => {
    const login = new LoginCredentials('IAM:etl', 'Sup3r-Secret', { expiresAt: new Date(0) })
    for (const text of [JSON.stringify(login), String(login), inspect(login, { showHidden: true })]) {
      expect(text).not.toContain('Sup3r-Secret')
      expect(text).toContain('IAM:etl')
    }
    expect(login.password).toBe('Sup3r-Secret')
  })

  it('AWS credentials in a config never show', () => {
    const config = RedshiftConfig.builder()
      .endpoint('c1.abc123.us-east-1.redshift.amazonaws.com')
      .withIamAuth({ dbUser: 'etl' })
      .awsCredentials({
        accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
        secretAccessKey: 'aws-Secret-Key/123',
        sessionToken: 'Tok3n',
      })
      .build()
    expect(config.awsCredentials).toBeInstanceOf(AwsCredentials)
    for (const text of [
      JSON.stringify(config),
      String(config),
      inspect(config, { showHidden: true, depth: 10 }),
    ]) {
      for (const secret of ['AKIAABCDEFGHIJKLMNOP', 'aws-Secret-Key/123', 'Tok3n'])
        expect(text).not.toContain(secret)
    }
    expect(JSON.parse(JSON.stringify(config)).awsCredentials).toEqual({ kind: 'static' })
  })

  it('a secret without username or password is refused without showing its value', () => {
    expect(() => parseSecret('s1', '{"username":"u","pass":"Hidden-1"}')).toThrow(AuthenticationError)
    expect(() => parseSecret('s1', '{"username":"u","pass":"Hidden-1"}')).not.toThrow(/Hidden-1/)
    expect(() => parseSecret('s1', 'plain text Hidden-2')).toThrow(/does not hold JSON/)
    const login = parseSecret(
      's1',
      '{"username":"u","password":"p","host":"h.example","port":"5440","dbname":"db"}',
    )
    expect(login.endpoint).toEqual({ host: 'h.example', port: 5440, database: 'db' })
  })
})

describe('configuration', () => {
  it('IAM needs a cluster, a workgroup or a custom domain host; a loopback host names none', () => {
    const error = (() => {
      try {
        return RedshiftConfig.builder().endpoint('127.0.0.1').withIamAuth().build()
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems.map((p) => p.field)).toEqual(['clusterIdentifier'])
    expect(
      RedshiftConfig.builder().endpoint('warehouse.example.com').withIamAuth().build().credentials.kind,
    ).toBe('iam')
    expect(
      RedshiftConfig.builder().endpoint('127.0.0.1').clusterIdentifier('c1').withIamAuth().build()
        .clusterIdentifier,
    ).toBe('c1')
  })

  it('Secrets Manager needs no host (the secret has one); awsEndpoint must be a URL', () => {
    expect(RedshiftConfig.builder().withSecretsManager('prod/etl').build().endpoint.host).toBeUndefined()
    expect(() =>
      RedshiftConfig.builder().withSecretsManager('prod/etl').awsEndpoint('localhost:4566').build(),
    ).toThrow(/awsEndpoint: must be an http\(s\) URL/)
  })
})
