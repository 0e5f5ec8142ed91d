import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { checkServerIdentity, TLSSocket } from 'node:tls'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { generateCertificates } from '../../src/gateway/index.js'
import { ALICE, startTestGateway, type TestGateway } from './helpers.js'

const run = promisify(execFile)
let t: TestGateway
let caCert: string

beforeAll(async () => {
  const certs = await generateCertificates(['redshift.test'])
  caCert = certs.caCert
  t = await startTestGateway({ tls: { key: certs.key, cert: certs.cert } })
})
afterAll(async () => {
  await t?.stop()
})

test('generated certificates: a CA and a server certificate signed by it', async () => {
  // Their generation time is measured by `npm run bench` (local start-up), not asserted here.
  const certs = await generateCertificates(['a.example', '10.1.2.3'])
  expect(certs.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/)
  expect(certs.cert).toMatch(/^-----BEGIN CERTIFICATE-----/)
  expect(certs.key).toMatch(/PRIVATE KEY-----/)
})

test('a client verifying the server with the generated CA connects over TLS', async () => {
  const c = await t.connect(ALICE, { ssl: { ca: caCert } })
  const stream = (c as unknown as { connection: { stream: unknown } }).connection.stream
  expect(stream).toBeInstanceOf(TLSSocket)
  expect((stream as TLSSocket).authorized).toBe(true)
  expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
})

test('the certificate is refused for another host name', async () => {
  const c = t.client(ALICE, {
    ssl: { ca: caCert, checkServerIdentity: (_host, cert) => checkServerIdentity('wrong.example', cert) },
  })
  c.on('error', () => undefined)
  await expect(c.connect()).rejects.toThrow(/wrong\.example/)
})

test('a client that does not trust the CA is refused', async () => {
  const c = t.client(ALICE, { ssl: { rejectUnauthorized: true } })
  c.on('error', () => undefined)
  await expect(c.connect()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i)
})

test('psql with sslmode=verify-full', async () => {
  const caPath = path.join(os.tmpdir(), `gateway-ca-${process.pid}.pem`)
  await writeFile(caPath, caCert)
  const { stdout } = await run(
    '/usr/bin/psql',
    [
      `host=localhost port=${t.gateway.port} user=${ALICE.name} dbname=dev sslmode=verify-full sslrootcert=${caPath}`,
      '-At',
      '-c',
      'select 7',
    ],
    { env: { ...process.env, PGPASSWORD: ALICE.password } },
  )
  expect(stdout.trim()).toBe('7')
})

test('a gateway without TLS answers N to SSLRequest', async () => {
  const plain = await t.startAnother({})
  const c = new pg.Client({
    host: '127.0.0.1',
    port: plain.port,
    user: ALICE.name,
    password: ALICE.password,
    database: 'dev',
    ssl: { ca: caCert },
  })
  c.on('error', () => undefined)
  await expect(c.connect()).rejects.toThrow(/does not support SSL/)
})
