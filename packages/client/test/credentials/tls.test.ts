/** TLS modes against the local Redshift's certificate (signed by a CA it generates), for real. */
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { ConnectionFailedError } from '../../src/errors/index.js'

const shared = inject('redshift')
const clients: RedshiftClient[] = []
let proxy: Server
let proxyPort: number
const sockets = new Set<Socket>()

/** Another address of this machine, which the server's certificate does not name. */
const OTHER_HOST = '127.0.0.2'

function client(
  host: string,
  port: number,
  configure: (b: ReturnType<typeof RedshiftConfig.builder>) => void,
) {
  const builder = RedshiftConfig.builder()
    .endpoint(host, port, shared.database)
    .withDatabaseAuth(shared.admin.name, shared.admin.password)
    .maxRetries(0)
    .connectionTimeout(5_000)
  configure(builder)
  const c = createClient(builder.build())
  clients.push(c)
  return c
}

beforeAll(async () => {
  // A TCP relay on 127.0.0.2 to the server: a client that dials 127.0.0.2 reaches a server whose
  // certificate is for localhost and 127.0.0.1 only, the wrong-host case.
  proxy = createServer((inbound) => {
    const outbound = createConnection({ host: shared.host, port: shared.port })
    for (const s of [inbound, outbound]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.once('close', () => sockets.delete(s))
    }
    inbound.pipe(outbound).pipe(inbound)
  })
  await new Promise<void>((resolve) => proxy.listen(0, OTHER_HOST, resolve))
  proxyPort = (proxy.address() as { port: number }).port
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => proxy?.close(resolve))
})

describe('sslMode', () => {
  it('verify-full passes with the CA (given as PEM text or as a file)', async () => {
    const pem = client(shared.host, shared.port, (b) => b.sslMode('verify-full').sslCa(shared.caCert))
    expect((await pem.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    expect((await pem.getDiagnostics()).tls).toEqual({ enabled: true, mode: 'verify-full' })
    const file = client(shared.host, shared.port, (b) => b.sslMode('verify-full').sslRootCert(shared.caPath))
    expect((await file.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
  })

  it('verify-full fails on the wrong host, where verify-ca and require pass', async () => {
    const full = client(OTHER_HOST, proxyPort, (b) => b.sslMode('verify-full').sslCa(shared.caCert))
    const error = await full.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionFailedError)
    expect((error as ConnectionFailedError).retryable).toBe(false)
    expect((error as Error).message).toMatch(/127\.0\.0\.2|altnames|does not match/i)

    const ca = client(OTHER_HOST, proxyPort, (b) => b.sslMode('verify-ca').sslCa(shared.caCert))
    expect((await ca.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    const require = client(OTHER_HOST, proxyPort, (b) => b.sslMode('require'))
    expect((await require.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
  })

  it('verify-ca and verify-full fail without the CA (the certificate is not publicly trusted)', async () => {
    for (const mode of ['verify-ca', 'verify-full'] as const) {
      const c = client(shared.host, shared.port, (b) => b.sslMode(mode))
      const error = await c.executeQuery('SELECT 1').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConnectionFailedError)
      expect((error as Error).message).toMatch(/self[- ]signed|unable to (verify|get)/i)
    }
  })

  it('disable and prefer connect; prefer uses TLS when offered', async () => {
    const plain = client(shared.host, shared.port, (b) => b.sslMode('disable'))
    await plain.executeQuery('SELECT 1')
    expect((await plain.getDiagnostics()).tls).toEqual({ enabled: false, mode: 'disable' })
    const prefer = client(shared.host, shared.port, (b) => b.sslMode('prefer'))
    await prefer.executeQuery('SELECT 1')
    expect((await prefer.getDiagnostics()).tls).toEqual({ enabled: true, mode: 'prefer' })
  })

  it('defaults to verify-full for Redshift endpoints and prefer for this machine', () => {
    const aws = RedshiftConfig.builder()
      .endpoint('c1.abc123.us-east-1.redshift.amazonaws.com')
      .withDatabaseAuth('u', 'p')
      .build()
    expect(aws.sslMode).toBe('verify-full')
    const serverless = RedshiftConfig.builder()
      .endpoint('wg.123456789012.us-east-1.redshift-serverless.amazonaws.com')
      .withIamAuth()
      .build()
    expect(serverless.sslMode).toBe('verify-full')
    expect(RedshiftConfig.builder().endpoint('127.0.0.1').withDatabaseAuth('u', 'p').build().sslMode).toBe(
      'prefer',
    )
  })
})
