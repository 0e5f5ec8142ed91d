import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, sharedServer } from './run-cli.js'

const { url, admin, shared } = sharedServer()
const role = 'arn:aws:iam::123456789012:role/RedshiftLoad'
const bucket = 'rk-cli-load'
const staging = `s3://${bucket}/tmp/`
const slow = { timeout: 60_000 }
let dir: string
// The AWS SDK's own variables point the staging uploads at the local S3, as they would at any S3.
const env = {
  AWS_ENDPOINT_URL: shared.aws.endpoint,
  AWS_ACCESS_KEY_ID: shared.aws.accessKeyId,
  AWS_SECRET_ACCESS_KEY: shared.aws.secretAccessKey,
  AWS_REGION: shared.aws.region,
}

beforeAll(async () => {
  const c = await admin()
  await c.query('drop table if exists cli_load_t')
  await c.query('create table cli_load_t (id bigint, name varchar(10))')
  await c.end()
  await mkdir(path.join(shared.s3Dir, bucket), { recursive: true })
  dir = await mkdtemp(path.join(os.tmpdir(), 'rk-cli-load-'))
  await writeFile(path.join(dir, 'good.csv'), 'name,id\none,1\ntwo,2\n"th,ree",9007199254740993\n')
  await writeFile(path.join(dir, 'bad.csv'), 'id,name\n4,four\nfive,5\n')
})
afterAll(async () => {
  await rm(path.join(shared.s3Dir, bucket), { recursive: true, force: true })
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('redshift-kit load', () => {
  it('loads a local CSV (header in its own order) and says what it did', slow, async () => {
    const r = await runCli(
      [
        'load',
        'cli_load_t',
        path.join(dir, 'good.csv'),
        '--url',
        url,
        '--staging',
        staging,
        '--iam-role',
        role,
      ],
      { env },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(
      /^Loaded 3 rows into (public\.)?cli_load_t from .*good\.csv \(csv, 1 staged file, \d+ bytes\) in \d+ ms/,
    )
    const c = await admin()
    const rows = await c.query('select id::text, name from cli_load_t order by id')
    await c.end()
    expect(rows.rows).toEqual([
      { id: '1', name: 'one' },
      { id: '2', name: 'two' },
      { id: '9007199254740993', name: 'th,ree' },
    ])
    expect(await readdir(path.join(shared.s3Dir, bucket, 'tmp')).catch(() => [])).toEqual([])
  })

  it(
    'a failed load prints its load errors (the file and its line) as a table and exits 5',
    slow,
    async () => {
      const r = await runCli(
        [
          'load',
          '--table',
          'cli_load_t',
          '--file',
          path.join(dir, 'bad.csv'),
          '--url',
          url,
          '--staging',
          staging,
          '--iam-role',
          role,
        ],
        { env },
      )
      expect(r.code).toBe(5)
      expect(r.stderr).toContain('load failed: 1 load error(s)')
      // The row of the table: the user's file, its line 3, the column and the value.
      expect(r.stderr).toMatch(/bad\.csv \| 3 +\| id +\| 1207 .*\| five/)
    },
  )

  it('bad usage exits 2 with one clear line, before connecting', slow, async () => {
    const r = await runCli(['load', 'cli_load_t', path.join(dir, 'good.csv'), '--url', url], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--staging s3:\/\/bucket\/prefix\/ is required/)
    const help = await runCli(['load', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('redshift-kit load public.events ./events.csv')
  })
})
