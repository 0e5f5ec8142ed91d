import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { CopyCommandBuilder, createClient, type RedshiftClient, RedshiftConfig } from '@redshift-kit/client'
import { QueryRecorder } from '@redshift-kit/client/simulation'
import type { LocalRedshift } from '@redshift-kit/local'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ADMIN, recordFigures, since, startServer } from './harness.js'

// Passwords, keys and tokens used the ways users use them (CREATE/ALTER USER in every literal form,
// COPY with access keys, IAM and static logins, failing statements that carry them), then searched
// for in every sink: errors (message, sql, JSON, inspect, stack), console output, diagnostics,
// recordings; and on the server side its system views and its log.

const PASSWORDS = {
  standard: 'LeakStd1pwAa',
  comment: 'LeakCmt2pwBb',
  eString: 'LeakEst3pwCc',
  dollar: 'LeakDol4pwDd',
  tagged: 'LeakTag5pwEe',
  unicode: 'LeakUni6pwFf',
  duplicate: 'LeakDup7pwGg',
  syntax: 'LeakSyn8pwHh',
} as const
const AWS_SECRET = 'LeakAwsSecretKey9/xYzAbCdEfGh'
const AWS_TOKEN = 'LeakSessionToken0zZyYxXwWvV'

/** The statements run, each with the secret it carries. */
const STATEMENTS: readonly string[] = [
  `CREATE USER leak_user PASSWORD '${PASSWORDS.standard}'`,
  `ALTER USER leak_user PASSWORD /* rotated */ '${PASSWORDS.comment}'`,
  `ALTER USER leak_user PASSWORD E'${PASSWORDS.eString}'`,
  `ALTER USER leak_user PASSWORD $$${PASSWORDS.dollar}$$`,
  `ALTER USER leak_user PASSWORD $pw$${PASSWORDS.tagged}$pw$`,
  `ALTER USER leak_user PASSWORD U&'${PASSWORDS.unicode}'`,
  // Fails: the user exists. Its error carries the statement.
  `CREATE USER leak_user PASSWORD '${PASSWORDS.duplicate}'`,
  // Fails: a syntax error after the secret.
  `CREATE USER leak_user2 PASSWORD '${PASSWORDS.syntax}' NONSENSE KEYWORD`,
]

let server: LocalRedshift
const serverLog: string[] = []
let recordingDir: string

beforeAll(async () => {
  recordingDir = mkdtempSync(join(tmpdir(), 'rk-leaks-'))
  server = await startServer({ onLog: (line) => serverLog.push(line) })
})
afterAll(async () => {
  await server?.stop()
  rmSync(recordingDir, { recursive: true, force: true })
})

function allSecrets(): string[] {
  const aws = server.aws
  return [
    ...Object.values(PASSWORDS),
    AWS_SECRET,
    AWS_TOKEN,
    ADMIN.password,
    ...(aws === undefined ? [] : [aws.secretAccessKey]),
  ]
}

/** Every secret found in `text`, with the sink's name. */
function find(sink: string, text: string, found: string[]): void {
  for (const secret of allSecrets()) if (text.includes(secret)) found.push(`${sink}: ${secret}`)
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const fields = e as Error & { sql?: string }
  return [
    e.message,
    e.stack ?? '',
    fields.sql ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 6, showHidden: true }),
    String(e),
  ].join('\n')
}

const clientFound: string[] = []
let clientCases = 0

describe('secret-leak sweep: client sinks', () => {
  it('no secret in errors, console output, diagnostics or recordings', async () => {
    const t0 = performance.now()
    const consoleOut: string[] = []
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        consoleOut.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' '))
      }),
    )
    const errors: unknown[] = []
    const recorder = new QueryRecorder()
    const client: RedshiftClient = recorder.createClient(
      RedshiftConfig.builder()
        .endpoint(server.wire.host, server.wire.port, 'dev')
        .withDatabaseAuth(ADMIN.name, ADMIN.password)
        .sslMode('disable')
        .maxRetries(0)
        .build(),
    )
    recorder.startRecording()
    for (const sql of STATEMENTS) {
      clientCases++
      await client.executeQuery(sql).catch((e: unknown) => errors.push(e))
    }
    // COPY with access keys, from a bucket that does not exist: fails, carrying the keys in its statement.
    const copy = new CopyCommandBuilder('leak_copy')
      .fromS3('no-such-bucket', 'x/')
      .accessKeys({
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: AWS_SECRET,
        sessionToken: AWS_TOKEN,
      })
      .build()
    await client.executeQuery('CREATE TABLE IF NOT EXISTS leak_copy (a int)')
    clientCases++
    await client.copyFromS3(copy).catch((e: unknown) => errors.push(e))
    clientCases++
    await client.executeQuery(copy.toSql()).catch((e: unknown) => errors.push(e))
    // A wrong password: the login error must not echo it.
    const wrong = createClient(
      RedshiftConfig.builder()
        .endpoint(server.wire.host, server.wire.port, 'dev')
        .withDatabaseAuth(ADMIN.name, PASSWORDS.syntax)
        .sslMode('disable')
        .maxRetries(0)
        .build(),
    )
    clientCases++
    await wrong.executeQuery('SELECT 1').catch((e: unknown) => errors.push(e))
    find('diagnostics (wrong login)', JSON.stringify(await wrong.getDiagnostics()), clientFound)
    await wrong.close()
    // IAM login through the local AWS endpoint: its keys and the temporary password stay inside.
    const aws = server.aws
    if (aws === undefined) throw new Error('the local AWS endpoint is off')
    const iam = createClient(
      RedshiftConfig.builder()
        .endpoint(server.wire.host, server.wire.port, 'dev')
        .sslMode('disable')
        .clusterIdentifier('redshift-local')
        .withIamAuth({ dbUser: ADMIN.name })
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .region(aws.region)
        .build(),
    )
    clientCases++
    await iam.executeQuery('SELECT current_user')
    await iam.executeQuery('SELECT * FROM no_such_table').catch((e: unknown) => errors.push(e))
    find('diagnostics (IAM)', JSON.stringify(await iam.getDiagnostics()), clientFound)
    find('client (IAM) inspect', inspect(iam, { depth: 8, showHidden: true }), clientFound)
    await iam.close()
    recorder.stopRecording()
    const recording = join(recordingDir, 'leaks.json')
    await recorder.save(recording)
    find('recording file', readFileSync(recording, 'utf8'), clientFound)
    find('recorder exchanges', JSON.stringify(recorder.exchanges), clientFound)
    find('diagnostics', JSON.stringify(await client.getDiagnostics()), clientFound)
    find('client inspect', inspect(client, { depth: 8, showHidden: true }), clientFound)
    for (const e of errors) find(`error ${(e as Error).name}`, errorText(e), clientFound)
    find(
      'copy command toString/JSON',
      `${copy.toString()} ${JSON.stringify(copy)} ${inspect(copy)}`,
      clientFound,
    )
    await client.close()
    for (const spy of spies) spy.mockRestore()
    find('console', consoleOut.join('\n'), clientFound)
    recordFigures({
      scenario: 'secret-leak sweep (client sinks)',
      cases: clientCases,
      failures: clientFound.length,
      secretsFound: clientFound.length,
      durationMs: since(t0),
      notes: `${errors.length} errors, diagnostics, a recording, console output; ${allSecrets().length} secrets`,
    })
    expect(errors.length).toBeGreaterThanOrEqual(4)
    expect(clientFound).toEqual([])
  })
})

// Redshift masks passwords and keys in its system tables (`***`); redshift-local does once the
// sec-local branch (issue 10 item 8, server part) is merged. Excluded from the suite until then
// (vitest.faults.config.ts): see docs/reliability.md.
describe('the local server masks secrets [local views]', () => {
  it("no secret in the local server's system views or its log", async () => {
    const t0 = performance.now()
    const found: string[] = []
    const admin = new pg.Client({
      ...server.wire,
      user: ADMIN.name,
      password: ADMIN.password,
      database: 'dev',
    })
    await admin.connect()
    const views = ['stl_query', 'sys_query_history', 'stv_recents', 'svl_statementtext', 'stl_querytext']
    for (const view of views) {
      const rows = await admin.query(`SELECT * FROM ${view}`).catch(() => ({ rows: [] }))
      find(view, JSON.stringify(rows.rows), found)
    }
    await admin.end()
    find('server log', serverLog.join('\n'), found)
    recordFigures({
      scenario: 'secret-leak sweep (server views and log)',
      cases: views.length + 1,
      failures: found.length,
      secretsFound: found.length,
      durationMs: since(t0),
    })
    expect(found).toEqual([])
  })
})
