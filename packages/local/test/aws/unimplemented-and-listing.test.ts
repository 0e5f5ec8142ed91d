/**
 * Secrets Manager ListSecrets / DescribeSecret, and what the endpoint answers for operations and services
 * it does not serve: UnknownOperationException naming the operation, never a signing error.
 */
import { request } from 'node:http'
import { DescribeClusterSnapshotsCommand, RedshiftClient } from '@aws-sdk/client-redshift'
import { ListWorkgroupsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless'
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, inject, it } from 'vitest'
import { signRequest } from '../../src/aws/sigv4.js'

function config() {
  const aws = inject('redshift').aws
  return {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    maxAttempts: 1,
  }
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail')
}

describe('Secrets Manager listing', () => {
  const sm = new SecretsManagerClient(config())

  it('lists the secrets (one per configured user by default), filtered by name prefix and paged', async () => {
    const all = await sm.send(new ListSecretsCommand({}))
    const names = all.SecretList?.map((s) => s.Name)
    expect(names).toEqual(['redshift-local/awsuser', 'redshift-local/analyst'])
    const first = all.SecretList?.[0]
    expect(first?.ARN).toMatch(
      /^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:redshift-local\/awsuser-[A-Za-z]{6}$/,
    )
    expect(Object.values(first?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']])
    expect(first?.CreatedDate).toBeInstanceOf(Date)
    const filtered = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['redshift-local/an'] }] }),
    )
    expect(filtered.SecretList?.map((s) => s.Name)).toEqual(['redshift-local/analyst'])
    const negated = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['!redshift-local/an'] }] }),
    )
    expect(negated.SecretList?.map((s) => s.Name)).toEqual(['redshift-local/awsuser'])
    const page1 = await sm.send(new ListSecretsCommand({ MaxResults: 1, SortOrder: 'desc' }))
    const page2 = await sm.send(
      new ListSecretsCommand({ MaxResults: 1, SortOrder: 'desc', NextToken: page1.NextToken }),
    )
    expect([page1.SecretList?.[0]?.Name, page2.SecretList?.[0]?.Name, page2.NextToken]).toEqual([
      'redshift-local/analyst',
      'redshift-local/awsuser',
      undefined,
    ])
    const bad = await failure(sm.send(new ListSecretsCommand({ MaxResults: 500 })))
    expect(bad.name).toBe('ValidationException')
  })

  it('describes a secret by name or ARN, without its value', async () => {
    const value = await sm.send(new GetSecretValueCommand({ SecretId: 'redshift-local/analyst' }))
    const byName = await sm.send(new DescribeSecretCommand({ SecretId: 'redshift-local/analyst' }))
    const byArn = await sm.send(new DescribeSecretCommand({ SecretId: value.ARN }))
    expect([byName.ARN, byArn.Name]).toEqual([value.ARN, 'redshift-local/analyst'])
    expect(byName.VersionIdsToStages).toEqual({ [value.VersionId as string]: ['AWSCURRENT'] })
    expect(JSON.stringify(byName)).not.toContain('Analyst-pw1')
    const missing = await failure(sm.send(new DescribeSecretCommand({ SecretId: 'no/such' })))
    expect(missing.name).toBe('ResourceNotFoundException')
  })
})

describe('operations and services the endpoint does not serve', () => {
  it.each([
    [
      'secretsmanager',
      () =>
        new SecretsManagerClient(config()).send(new CreateSecretCommand({ Name: 'x', SecretString: 'y' })),
      'CreateSecret',
    ],
    [
      'redshift',
      () => new RedshiftClient(config()).send(new DescribeClusterSnapshotsCommand({})),
      'DescribeClusterSnapshots',
    ],
    ['sts', () => new STSClient(config()).send(new GetSessionTokenCommand({})), 'GetSessionToken'],
    [
      'redshift-serverless',
      () => new RedshiftServerlessClient(config()).send(new ListWorkgroupsCommand({})),
      'ListWorkgroups',
    ],
  ] as const)(
    '%s answers UnknownOperationException naming the operation',
    async (_service, call, operation) => {
      const e = await failure(call())
      expect(e.name).toBe('UnknownOperationException')
      expect(e.message).toContain(operation)
      expect(e.$metadata?.httpStatusCode).toBe(400)
    },
  )

  it('answers a request signed for a service it does not serve with an error naming that service', async () => {
    const aws = inject('redshift').aws
    const url = new URL(aws.endpoint)
    const body = Buffer.from('{}')
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
    }
    Object.assign(
      headers,
      signRequest({ method: 'POST', url: '/', headers, body }, { ...aws, service: 'dynamodb' }),
    )
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/', headers },
        (res) => {
          let text = ''
          res.on('data', (c: Buffer) => {
            text += c.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
    expect(reply.status).toBe(400)
    const parsed = JSON.parse(reply.body) as { __type: string; message: string }
    expect(parsed.__type).toBe('UnknownService')
    expect(parsed.message).toContain("'dynamodb'")
    expect(parsed.message).toContain('s3')
  })
})
