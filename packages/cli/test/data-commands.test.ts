import { mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli, sharedServer } from './run-cli.js'

const { url, admin, shared } = sharedServer()
const role = 'arn:aws:iam::123456789012:role/RedshiftCopy'
const bucket = 'rk-cli-bucket'
const slow = { timeout: 60_000 }
const specFile = path.join(os.tmpdir(), `rk-cli-spec-${process.pid}.json`)

beforeAll(async () => {
  const c = await admin()
  await c.query('drop table if exists cli_copy_t')
  await c.query('create table cli_copy_t (id int, name varchar(10))')
  await c.end()
  await mkdir(path.join(shared.s3Dir, bucket, 'good'), { recursive: true })
  await mkdir(path.join(shared.s3Dir, bucket, 'bad'), { recursive: true })
  await writeFile(path.join(shared.s3Dir, bucket, 'good/part-1.csv'), 'id,name\n1,one\n2,two\n3,three\n')
  await writeFile(path.join(shared.s3Dir, bucket, 'bad/part-1.csv'), 'id,name\n4,four\nfive,5\n')
})
afterAll(async () => {
  await rm(path.join(shared.s3Dir, bucket), { recursive: true, force: true })
  await rm(specFile, { force: true })
})

describe('redshift-kit copy and load-errors', () => {
  it('loads CSV files from S3', slow, async () => {
    const r = await runCli([
      'copy',
      '--url',
      url,
      '--table',
      'cli_copy_t',
      '--from',
      `s3://${bucket}/good/`,
      '--format',
      'csv',
      '--header',
      '--iam-role',
      role,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^COPY loaded 3 rows into (public\.)?cli_copy_t in \d+ ms \(query \d+\)/)
  })

  it('lists every validation problem before anything runs (exit 2)', slow, async () => {
    const r = await runCli([
      'copy',
      '--url',
      url,
      '--table',
      'cli_copy_t',
      '--from',
      's3://b/x',
      '--format',
      'xml',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid COPY command')
    expect(r.stderr).toMatch(/bucket/)
  })

  it(
    'a failed load prints its load errors as a table and exits 5; load-errors shows them again',
    slow,
    async () => {
      const since = new Date(Date.now() - 1000).toISOString()
      const r = await runCli([
        'copy',
        '--url',
        url,
        '--table',
        'cli_copy_t',
        '--from',
        `s3://${bucket}/bad/`,
        '--format',
        'csv',
        '--header',
        '--iam-role',
        role,
      ])
      expect(r.code, r.stderr).toBe(5)
      expect(r.stderr).toContain('load error(s)')
      expect(r.stderr).toMatch(/\| *id *\|/)
      expect(r.stderr).toContain('five')
      const errors = await runCli([
        'load-errors',
        'cli_copy_t',
        '--since',
        since,
        '--url',
        url,
        '--format',
        'jsonl',
      ])
      expect(errors.code, errors.stderr).toBe(0)
      const first = JSON.parse(errors.stdout.split('\n')[0] as string) as Record<string, unknown>
      expect(first).toMatchObject({ column: 'id', value: 'five' })
      expect(String(first.file)).toContain(`${bucket}/bad/part-1.csv`)
    },
  )

  it(
    'takes its options from a JSON spec, and --dry-run prints the statement without credentials',
    slow,
    async () => {
      await writeFile(
        specFile,
        JSON.stringify({
          table: 'cli_copy_t',
          from: `s3://${bucket}/good/`,
          format: 'csv',
          header: true,
          iamRole: role,
        }),
      )
      const r = await runCli(['copy', '--spec', specFile, '--dry-run'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`FROM 's3://${bucket}/good/'`)
      expect(r.stdout).toContain('IGNOREHEADER 1')
      await writeFile(specFile, JSON.stringify({ table: 'cli_copy_t', fromm: 'x' }))
      const bad = await runCli(['copy', '--spec', specFile, '--dry-run'])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('unknown key(s) fromm')
    },
  )
})

describe('redshift-kit unload', () => {
  it('unloads a query to S3 and lists the files', slow, async () => {
    const r = await runCli([
      'unload',
      'select id, name from cli_copy_t order by id',
      '--url',
      url,
      '--to',
      `s3://${bucket}/out/cli_`,
      '--format',
      'csv',
      '--parallel',
      'off',
      '--iam-role',
      role,
      '--allow-overwrite',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^UNLOAD wrote 3 rows to 1 file\(s\)/)
    expect(r.stdout).toContain(`s3://${bucket}/out/cli_000`)
  })
})

describe('redshift-kit explain and cancel', () => {
  it('draws the plan as a tree and says whether it has warnings', slow, async () => {
    const r = await runCli(
      ['explain', 'select a.id from cli_copy_t a join cli_copy_t b on a.id = b.id', '--url', url],
      {
        env: { NO_COLOR: '1' },
      },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Join/)
    expect(r.stdout).toMatch(/[├└]─ /)
    expect(r.stdout).toMatch(/No plan warnings\.|Warnings:/)
  })

  it('shows a finished query’s metrics by query id', slow, async () => {
    const c = await admin()
    await c.query('select count(*) from cli_copy_t')
    const { rows } = await c.query('select pg_last_query_id() as id')
    await c.end()
    const id = String((rows[0] as { id: unknown }).id)
    const r = await runCli(['explain', '--metrics', id, '--url', url, '--format', 'jsonl'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ 'query id': id })
  })

  it('cancels a session’s running statement by pid', slow, async () => {
    const victim = await admin()
    const { rows } = await victim.query('select pg_backend_pid() as pid')
    const pid = String((rows[0] as { pid: unknown }).pid)
    const running = victim.query('select pg_sleep(30)').then(
      () => 'finished',
      (e: Error) => e.message,
    )
    // Cancel once the statement runs (a cancel before it would find nothing to cancel).
    const watcher = await admin()
    await vi.waitFor(
      async () => {
        const q = await watcher.query('select count(*)::int as n from stv_inflight where pid = $1', [
          Number(pid),
        ])
        expect((q.rows[0] as { n: number }).n).toBe(1)
      },
      { timeout: 10_000, interval: 50 },
    )
    await watcher.end()
    const r = await runCli(['cancel', '--pid', pid, '--url', url])
    expect(r.code, r.stderr).toBe(0)
    expect(await running).toMatch(/cancel/i)
    await victim.end()
  })
})

describe('redshift-kit help', () => {
  it('every command has --help with usage and examples', slow, async () => {
    const top = await runCli(['--help'])
    expect(top.code).toBe(0)
    const names = ['query', 'explain', 'copy', 'unload', 'load-errors', 'cancel']
    for (const name of names) expect(top.stdout).toContain(name)
    const helps = await Promise.all(names.map((n) => runCli([n, '--help'])))
    for (const h of helps) {
      expect(h.code).toBe(0)
      expect(h.stdout).toContain('Usage:')
      expect(h.stdout).toContain('Examples:')
      expect(h.stdout).toContain('--url URL')
    }
  })
})
