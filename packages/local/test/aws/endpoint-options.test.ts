/** The AWS endpoint alone (no engine: database roles in memory), for options and error shapes. */
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type AwsEndpoint, resolveAwsOptions, startAwsEndpoint } from '../../src/aws/index.js'

const roles = new Set<string>(['awsuser'])
let endpoint: AwsEndpoint

beforeAll(async () => {
  endpoint = await startAwsEndpoint({
    aws: resolveAwsOptions({ credentialLifetimeSeconds: 5 }, ['awsuser']),
    host: '127.0.0.1',
    wire: { host: '127.0.0.1', port: 5439, database: 'dev', masterUser: 'awsuser' },
    users: new Map([['awsuser', 'Password1']]),
    roles: {
      exists: async (name) => roles.has(name),
      createUser: async (name) => void roles.add(name),
      createLogin: async (name) => void roles.add(name),
    },
  })
})
afterAll(async () => {
  vi.useRealTimers()
  await endpoint?.stop()
})

function redshift(): RedshiftClient {
  const key = endpoint.accessKeys[0]
  if (key === undefined) throw new Error('no key')
  return new RedshiftClient({
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: key,
    maxAttempts: 1,
  })
}

describe('options', () => {
  it('credentialLifetimeSeconds shortens issued passwords whatever DurationSeconds asked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const t0 = Date.now()
    const creds = await redshift().send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: 'redshift-local',
        DbUser: 'awsuser',
        DurationSeconds: 3600,
      }),
    )
    expect(creds.Expiration?.getTime()).toBe(t0 + 5000)
    expect(endpoint.passwordFor('IAM:awsuser')).toBe(creds.DbPassword)
    vi.setSystemTime(t0 + 4_999)
    expect(endpoint.passwordFor('IAM:awsuser')).toBe(creds.DbPassword)
    vi.setSystemTime(t0 + 5_000)
    expect(endpoint.passwordFor('IAM:awsuser')).toBeUndefined()
    vi.useRealTimers()
  })

  it('refuses bad options with a message naming the option', () => {
    expect(() => resolveAwsOptions({ region: 'mars' }, [])).toThrow(/region must look like us-east-1/)
    expect(() =>
      resolveAwsOptions({ accessKeys: [{ accessKeyId: 'short', secretAccessKey: 'x' }] }, []),
    ).toThrow(/access key id must be 16-128/)
    expect(() =>
      resolveAwsOptions({ secrets: [{ name: 's', username: 'u', clusterIdentifier: 'nope' }] }, []),
    ).toThrow(/names cluster "nope"/)
    expect(() => resolveAwsOptions({ credentialLifetimeSeconds: 0 }, [])).toThrow(/credentialLifetimeSeconds/)
  })

  it('answers a JSON service’s unknown operation in the JSON error shape', async () => {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'secretsmanager.ListSecrets', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    })
    // Unsigned: refused before the operation is looked at, as AWS does.
    expect(res.status).toBe(400)
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    })
  })
})
