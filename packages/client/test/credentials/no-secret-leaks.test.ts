/**
 * Runs every credentials scenario (each provider, refresh, expiry, rotation, bad keys, bad logins),
 * prints everything a user might print (results, errors with their causes and stacks, configs,
 * clients, diagnostics), captures all output of the run and of the local Redshift, and checks that
 * no secret appears in it: the AWS keys, and every password, secret key and session token the AWS
 * endpoint handed out (read off the wire by a relay in front of it).
 */
import { createServer, request, type Server } from 'node:http'
import { inspect } from 'node:util'
import type { LocalRedshift } from '@redshift-kit/local'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig, type RedshiftConfigBuilder } from '../../src/config/redshift-config.js'
import { awsOf, ROLE_ARN, startLocalWithAws } from './local-aws.js'

let local: LocalRedshift
let relay: Server
let relayUrl: string
const serverLog: string[] = []
/** Every value the AWS endpoint answered that is a secret. */
const issued = new Set<string>()

function harvest(body: string): void {
  for (const m of body.matchAll(/<(SecretAccessKey|SessionToken|AccessKeyId|DbPassword)>([^<]+)</g)) {
    issued.add(m[2] as string)
  }
  if (body.startsWith('{')) {
    const json = JSON.parse(body) as Record<string, unknown>
    if (typeof json.dbPassword === 'string') issued.add(json.dbPassword)
    if (typeof json.SecretString === 'string') {
      issued.add(json.SecretString)
      const value = JSON.parse(json.SecretString) as { password?: string }
      if (value.password) issued.add(value.password)
    }
  }
}

beforeAll(async () => {
  local = await startLocalWithAws((line) => serverLog.push(line))
  const target = new URL(awsOf(local).endpoint)
  // Forwards requests unchanged (the Host header too, so signatures still verify) and reads replies.
  relay = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        const chunks: Buffer[] = []
        reply.on('data', (c: Buffer) => chunks.push(c))
        reply.on('end', () => {
          const body = Buffer.concat(chunks)
          harvest(body.toString('utf8'))
          res.writeHead(reply.statusCode ?? 500, reply.headers)
          res.end(body)
        })
      },
    )
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`
})
afterAll(async () => {
  await new Promise((resolve) => relay?.close(resolve))
  await local?.stop()
})

function builder(): RedshiftConfigBuilder {
  const aws = awsOf(local)
  return RedshiftConfig.builder()
    .endpoint(local.wire.host, local.wire.port, local.database)
    .sslMode('verify-full')
    .sslCa(local.tls?.caCert ?? '')
    .region(aws.region)
    .awsEndpoint(relayUrl)
    .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
    .maxRetries(0)
}

/** Prints what a user might print about a client, its config and an outcome. */
async function report(name: string, client: RedshiftClient, outcome: unknown): Promise<void> {
  console.log(`== ${name}`)
  console.log(
    outcome instanceof Error
      ? inspect(outcome, { showHidden: true, depth: 10 })
      : inspect(outcome, { depth: 6 }),
  )
  if (outcome instanceof Error) {
    console.error(outcome.stack)
    console.error(JSON.stringify(outcome))
    console.error(String(outcome))
  }
  console.log(
    String(client.config),
    JSON.stringify(client.config),
    inspect(client.config, { showHidden: true, depth: 6 }),
  )
  console.log(JSON.stringify(client), inspect(client, { showHidden: true, depth: 4 }), String(client))
  console.log(JSON.stringify(await client.getDiagnostics()))
}

async function scenario(
  name: string,
  config: RedshiftConfig,
  work?: (c: RedshiftClient) => Promise<void>,
): Promise<void> {
  const client = createClient(config)
  try {
    const outcome = await (async () => {
      await client.executeQuery('SELECT current_user')
      if (work) await work(client)
      return client.executeQuery('SELECT current_user AS u, 42 AS answer')
    })().catch((e: unknown) => e)
    await report(name, client, outcome)
  } finally {
    await client.close()
  }
}

async function newConnection(client: RedshiftClient): Promise<void> {
  const txs = await Promise.all(
    Array.from({ length: client.getPoolStats().idle + 1 }, () => client.beginTransaction()),
  )
  for (const tx of txs) await tx.query('SELECT 1')
  await Promise.all(txs.map((tx) => tx.commit()))
}

it('no secret appears in any output of a full run of the credentials scenarios', async () => {
  const aws = awsOf(local)
  const captured: string[] = []
  const originals = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
    log: console.log,
    error: console.error,
    warn: console.warn,
    info: console.info,
    debug: console.debug,
  }
  const capture = (...args: unknown[]): boolean => {
    captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '))
    return true
  }
  process.stdout.write = capture as typeof process.stdout.write
  process.stderr.write = capture as typeof process.stderr.write
  console.log = console.error = console.warn = console.info = console.debug = capture
  try {
    await scenario('static', builder().withDatabaseAuth('analyst', 'Analyst-pw1').build())
    await scenario(
      'iam dbUser',
      builder()
        .clusterIdentifier('redshift-local')
        .withIamAuth({ dbUser: 'analyst', dbGroups: ['analysts'] })
        .build(),
      async (c) => {
        aws.expireCredentials('IAM:analyst')
        await newConnection(c)
      },
    )
    await scenario(
      'iam with IAM identity',
      builder().clusterIdentifier('redshift-local').withIamAuth().build(),
    )
    await scenario('iam role', builder().clusterIdentifier('redshift-local').withIamRole(ROLE_ARN).build())
    await scenario('serverless', builder().withServerless('analytics').withIamAuth().build())
    await scenario('secret', builder().withSecretsManager('etl/loader').build(), async (c) => {
      aws.rotateSecret('etl/loader')
      await newConnection(c)
    })
    await scenario(
      'secret with host from it',
      RedshiftConfig.builder()
        .withSecretsManager('redshift-local/awsuser')
        .sslCa(local.tls?.caCert ?? '')
        .region(aws.region)
        .awsEndpoint(relayUrl)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .build(),
    )
    await scenario(
      'wrong AWS secret key',
      builder()
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: 'Wrong-Secret-Key-0123456789' })
        .clusterIdentifier('redshift-local')
        .withIamAuth({ dbUser: 'analyst' })
        .build(),
    )
    await scenario(
      'login refused',
      builder().clusterIdentifier('redshift-local').withIamAuth({ dbUser: 'ghost' }).build(),
    )
    await scenario('wrong password', builder().withDatabaseAuth('analyst', 'Not-The-Password-9').build())
    await scenario('missing secret', builder().withSecretsManager('no/such/secret').build())
    const badUrl = (() => {
      try {
        return RedshiftConfig.fromUrl('redshift://analyst:Url-Password-77@localhost:notaport/dev')
      } catch (e) {
        return e
      }
    })()
    console.error(inspect(badUrl, { showHidden: true, depth: 10 }), (badUrl as Error).stack)
  } finally {
    process.stdout.write = originals.stdout
    process.stderr.write = originals.stderr
    console.log = originals.log
    console.error = originals.error
    console.warn = originals.warn
    console.info = originals.info
    console.debug = originals.debug
  }

  const output = [...captured, ...serverLog].join('\n')
  // The run really happened and was captured: each provider's user and each failure shows.
  for (const expected of [
    'IAM:analyst',
    'IAM:local-admin',
    'IAMR:RedshiftRole',
    'etl_loader',
    'SignatureDoesNotMatch',
    'AuthenticationError',
    'password authentication failed',
    'NotFoundError',
    '"method":"secrets-manager"',
  ]) {
    expect(output).toContain(expected)
  }
  // The endpoint issued passwords, role keys and session tokens, and the run used them.
  expect(issued.size).toBeGreaterThan(8)
  const secrets = [
    aws.accessKeyId,
    aws.secretAccessKey,
    'Password1',
    'Analyst-pw1',
    'Wrong-Secret-Key-0123456789',
    'Not-The-Password-9',
    'Url-Password-77',
    ...issued,
  ]
  const leaked = secrets.filter((s) => output.includes(s))
  expect(leaked).toEqual([])
}, 60_000)
