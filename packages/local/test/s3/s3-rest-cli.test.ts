/**
 * The AWS CLI against a redshift-local this file starts: `aws s3 mb/cp/sync/ls/presign/rm/rb` and
 * `aws secretsmanager list-secrets/describe-secret`, run asynchronously with the local key in the environment.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

const run = promisify(execFile)
let local: LocalRedshift
let dir: string
let env: NodeJS.ProcessEnv
let cliFound = false

async function aws(...args: string[]): Promise<string> {
  const endpoint = local.aws?.endpoint ?? ''
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, ...args], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  })
  return stdout
}

beforeAll(async () => {
  cliFound = await run('aws', ['--version']).then(
    () => true,
    () => false,
  )
  if (!cliFound) return
  local = await startLocalRedshift({ tls: false })
  dir = await mkdtemp(path.join(os.tmpdir(), 'rk-s3-cli-'))
  // Presigned URLs need Signature Version 4, which the CLI v1 uses for S3 only when told to.
  await writeFile(path.join(dir, 'config'), '[default]\ns3 =\n  signature_version = s3v4\n')
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: local.aws?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: local.aws?.secretAccessKey,
    AWS_DEFAULT_REGION: local.aws?.region,
    AWS_CONFIG_FILE: path.join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  }
  expect(await aws('s3', 'mb', 's3://cli-bucket')).toContain('make_bucket: cli-bucket')
}, 120_000)

afterAll(async () => {
  await local?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the AWS CLI (skipped where it is not installed)', () => {
  it('copies files up (a 10 MB one in multipart: the CLI splits at 8 MB) and down, lists buckets and keys, removes them', async (ctx) => {
    if (!cliFound) ctx.skip()
    const big = randomBytes(10 * 1024 * 1024)
    await writeFile(path.join(dir, 'big.bin'), big)
    await writeFile(path.join(dir, 'small.csv'), '1,Toyota Park\n')
    await Promise.all([
      aws('s3', 'cp', path.join(dir, 'small.csv'), 's3://cli-bucket/in/small.csv', '--only-show-errors'),
      aws('s3', 'cp', path.join(dir, 'big.bin'), 's3://cli-bucket/in/big.bin', '--only-show-errors'),
    ])
    const [listing, buckets] = await Promise.all([aws('s3', 'ls', 's3://cli-bucket/in/'), aws('s3', 'ls')])
    expect(listing).toMatch(/ 14 small\.csv\n/)
    expect(listing).toMatch(new RegExp(` ${big.length} big\\.bin\\n`))
    expect(buckets).toMatch(/ cli-bucket\n/)
    await aws('s3', 'cp', 's3://cli-bucket/in/big.bin', path.join(dir, 'big.out'), '--only-show-errors')
    expect((await readFile(path.join(dir, 'big.out'))).equals(big)).toBe(true)
    // COPY reads what the CLI wrote: the same store.
    expect((await local.s3.get('cli-bucket', 'in/small.csv')).toString()).toBe('1,Toyota Park\n')
    await aws('s3', 'rm', 's3://cli-bucket/in/', '--recursive', '--only-show-errors')
    expect(await local.s3.list('cli-bucket', 'in/')).toEqual([])
  }, 120_000)

  it('syncs a folder up and back down, and a second sync copies nothing', async (ctx) => {
    if (!cliFound) ctx.skip()
    const up = path.join(dir, 'up')
    await mkdir(path.join(up, 'nested', 'deeper'), { recursive: true })
    await writeFile(path.join(up, 'a.txt'), 'alpha')
    await writeFile(path.join(up, 'nested', 'b.txt'), 'beta')
    await writeFile(path.join(up, 'nested', 'deeper', 'c d.txt'), 'gamma with space')
    const first = await aws('s3', 'sync', up, 's3://cli-bucket/tree/', '--no-progress')
    expect(first.split('\n').filter((l) => l.startsWith('upload:'))).toHaveLength(3)
    expect(await aws('s3', 'sync', up, 's3://cli-bucket/tree/', '--no-progress')).toBe('')
    const down = path.join(dir, 'down')
    const [recursive, top] = await Promise.all([
      aws('s3', 'ls', '--recursive', 's3://cli-bucket/'),
      aws('s3', 'ls', 's3://cli-bucket/tree/'),
      aws('s3', 'sync', 's3://cli-bucket/tree/', down, '--no-progress'),
    ])
    expect(
      recursive
        .trim()
        .split('\n')
        .map((l) => l.slice(31)),
    ).toEqual(['tree/a.txt', 'tree/nested/b.txt', 'tree/nested/deeper/c d.txt'])
    expect(await readFile(path.join(down, 'nested', 'deeper', 'c d.txt'), 'utf8')).toBe('gamma with space')
    expect(top).toContain('PRE nested/')
  }, 120_000)

  it('presigns a download URL that works without credentials, and only for that key', async (ctx) => {
    if (!cliFound) ctx.skip()
    await local.s3.put('presign-bucket', 'report.csv', 'id,total\n1,42\n')
    const url = (await aws('s3', 'presign', 's3://presign-bucket/report.csv', '--expires-in', '300')).trim()
    expect(url).toContain('X-Amz-Signature=')
    const ok = await fetch(url)
    expect([ok.status, await ok.text()]).toEqual([200, 'id,total\n1,42\n'])
    const other = await fetch(url.replace('report.csv', 'other.csv'))
    expect(other.status).toBe(403)
    expect(await other.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  }, 60_000)

  it('lists and describes Secrets Manager secrets', async (ctx) => {
    if (!cliFound) ctx.skip()
    const [listed, describedText, refused] = await Promise.all([
      aws('secretsmanager', 'list-secrets'),
      aws('secretsmanager', 'describe-secret', '--secret-id', 'redshift-local/awsuser'),
      aws('secretsmanager', 'create-secret', '--name', 'x', '--secret-string', 'y').catch(
        (e: { stderr: string }) => e.stderr,
      ),
    ])
    const list = JSON.parse(listed) as { SecretList: { Name: string }[] }
    expect(list.SecretList.map((s) => s.Name)).toEqual(['redshift-local/awsuser'])
    const described = JSON.parse(describedText) as { Name: string; ARN: string }
    expect(described.Name).toBe('redshift-local/awsuser')
    expect(described.ARN).toContain(':secret:redshift-local/awsuser-')
    expect(refused).toContain('UnknownOperationException')
    expect(refused).toContain('CreateSecret')
  }, 60_000)
})
