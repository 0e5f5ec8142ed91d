import { readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, sharedServer } from './run-cli.js'

const { url, admin } = sharedServer()
const dir = os.tmpdir()
const files: string[] = []
const tmp = (name: string) => {
  const f = path.join(dir, `rk-cli-${process.pid}-${name}`)
  files.push(f)
  return f
}
const slow = { timeout: 60_000 }

beforeAll(async () => {
  const c = await admin()
  await c.query('drop table if exists cli_query_t')
  await c.query('drop table if exists cli_query_w')
  await c.query('create table cli_query_w (id int, name varchar(40))')
  await c.query(
    'create table cli_query_t (id int, name varchar(40), big bigint, amount decimal(20,6), at timestamp, note varchar(40))',
  )
  await c.query(
    `insert into cli_query_t values (1, 'plain', 9007199254740993, 12345678901234.123456, '2024-06-01 12:34:56.789123', null),
     (2, 'with, comma and "quote"', -1, 0.5, '2024-06-02 00:00:00', 'line
break')`,
  )
  await c.end()
})
afterAll(async () => {
  await Promise.all(files.map((f) => rm(f, { force: true })))
})

// Concurrent: each test is a few CLI processes reading cli_query_t (writes go to cli_query_w).
describe.concurrent('redshift-kit query', () => {
  it(
    'writes exact CSV into a pipe by default (header, quoting, NULL as empty, bigint and decimal digits kept)',
    slow,
    async () => {
      const r = await runCli(['query', 'select * from cli_query_t order by id', '--url', url])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(
        'id,name,big,amount,at,note\n' +
          '1,plain,9007199254740993,12345678901234.123456,2024-06-01 12:34:56.789123,\n' +
          '2,"with, comma and ""quote""",-1,0.500000,2024-06-02 00:00:00,"line\nbreak"\n',
      )
      expect(r.stderr).toBe('')
    },
  )

  it('draws an aligned table on a terminal, in colour unless NO_COLOR is set', slow, async () => {
    const coloured = await runCli(['query', 'select id, name from cli_query_t order by id', '--url', url], {
      tty: true,
    })
    expect(coloured.code).toBe(0)
    expect(coloured.stdout).toContain('\x1b[1m')
    const plain = await runCli(['query', 'select id, name from cli_query_t order by id', '--url', url], {
      tty: true,
      env: { NO_COLOR: '1' },
    })
    expect(plain.stdout).not.toContain('\x1b[')
    const lines = plain.stdout.replaceAll('\r', '').split('\n')
    expect(lines.slice(0, 4)).toEqual([
      ' id | name                   ',
      '----+-------------------------',
      '  1 | plain                  ',
      '  2 | with, comma and "quote"',
    ])
    expect(plain.stdout).toContain('(2 rows)')
  })

  it('writes TSV, JSON lines and Parquet files that read back with the same values', slow, async () => {
    const tsv = await runCli([
      'query',
      'select id, note from cli_query_t order by id',
      '--url',
      url,
      '--format',
      'tsv',
    ])
    expect(tsv.stdout).toBe('id\tnote\n1\t\\N\n2\tline\\nbreak\n')
    const jsonl = await runCli([
      'query',
      "select id, big, amount, at, at::timestamptz + interval '2 hours' as tz from cli_query_t order by id",
      '--url',
      url,
      '--format',
      'jsonl',
    ])
    expect(jsonl.stdout.split('\n')[0]).toBe(
      '{"id":1,"big":9007199254740993,"amount":"12345678901234.123456","at":"2024-06-01 12:34:56.789123","tz":"2024-06-01 14:34:56.789123+00"}',
    )
    const file = tmp('out.parquet')
    const pq = await runCli([
      'query',
      "select id, name, big, at, at::timestamptz + interval '2 hours' as tz from cli_query_t order by id",
      '--url',
      url,
      '--format',
      'parquet',
      '-o',
      file,
    ])
    expect(pq.code, pq.stderr).toBe(0)
    const buf = await readFile(file)
    const file2 = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
    const rows = await parquetReadObjects({ file: file2, columns: ['id', 'name', 'big'] })
    expect(rows).toEqual([
      { id: 1, name: 'plain', big: 9007199254740993n },
      { id: 2, name: 'with, comma and "quote"', big: -1n },
    ])
    // TIMESTAMP_MICROS, every microsecond kept (read raw: hyparquet would make a millisecond Date).
    const times = await parquetReadObjects({
      file: file2,
      columns: ['at', 'tz'],
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
    })
    expect(times[0]).toEqual({ at: 1717245296789123n, tz: 1717252496789123n })
  })

  it('takes SQL from stdin and typed -p parameters; --no-header drops the header', slow, async () => {
    const r = await runCli(
      ['query', '--url', url, '-p', 'int:2', '-p', 'bigint:9007199254740993', '--no-header'],
      {
        stdin: 'select id from cli_query_t where id = $1 or big = $2 order by id',
      },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('1\n2\n')
  })

  it('reports a command outcome for statements without rows', slow, async () => {
    const r = await runCli([
      'query',
      "insert into cli_query_w (id, name) values (3, 'three'), (4, 'four')",
      '--url',
      url,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('INSERT: 2 row(s)')
  })

  it(
    'streams a large result into a file with a progress line on a terminal, and none into a pipe',
    slow,
    async () => {
      const file = tmp('big.csv')
      const sql = 'select g as i, md5(g::text) as h from generate_series(1, 200000) as g'
      const tty = await runCli(['query', sql, '--url', url, '-o', file], { tty: true })
      expect(tty.code).toBe(0)
      expect(tty.stdout).toMatch(/200,000 rows +[\d.]+ MB +[\d,]+ rows\/s +00:\d\d/)
      const text = await readFile(file, 'utf8')
      expect(text.split('\n').length).toBe(200_002)
      const piped = await runCli(['query', sql, '--url', url, '-o', file])
      expect(piped.stderr).toBe('')
    },
  )
})

describe('redshift-kit errors and exit statuses', () => {
  it('a failing statement is one line on stderr and exit 1', slow, async () => {
    const r = await runCli(['query', 'select * from no_such_table_here', '--url', url])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual(['error: relation "no_such_table_here" does not exist'])
  })

  it('--verbose adds the error code and SQLSTATE', slow, async () => {
    const r = await runCli(['query', 'select * from no_such_table_here', '--url', url, '--verbose'])
    expect(r.stderr).toContain('sqlstate: 42P01')
  })

  it('bad usage is exit 2 with a pointer to --help', slow, async () => {
    const r = await runCli(['query', 'select 1', '--url', url, '--format', 'xml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--format xml: use one of table, csv, tsv, jsonl, parquet')
    const none = await runCli(['query', 'select 1'], { env: { REDSHIFT_KIT_CONFIG: '/nonexistent' } })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no connection given')
    const unknown = await runCli(['frobnicate'])
    expect(unknown.code).toBe(2)
  })

  it('a wrong password is exit 3 and the password is never printed, even with --verbose', slow, async () => {
    const secret = 'Sup3r-Secret-Pw'
    const bad = url.replace(/:[^:@/]+@/, `:${secret}@`)
    const r = await runCli(['query', 'select 1', '--url', bad, '--verbose'])
    expect(r.code).toBe(3)
    expect(`${r.stdout}${r.stderr}`).not.toContain(secret)
  })

  it('--timeout ends a long statement with exit 4', slow, async () => {
    const r = await runCli(['query', 'select pg_sleep(20)', '--url', url, '--timeout', '500ms'])
    expect(r.code, r.stderr).toBe(4)
  })

  it('Ctrl+C cancels the statement on the server and exits 130', slow, async () => {
    const c = await admin()
    let interruptedAt = 0
    try {
      const r = await runCli(['query', 'select pg_sleep(30) as cli_ctrl_c', '--url', url], {
        onSpawn: (child) => {
          void (async () => {
            for (let i = 0; i < 200; i++) {
              const { rows } = await c.query(
                "select count(*)::int as n from pg_stat_activity where query like '%cli_ctrl_c%' and state = 'active' and pid <> pg_backend_pid()",
              )
              if ((rows[0] as { n: number }).n > 0) break
              await new Promise((resolve) => setTimeout(resolve, 100))
            }
            interruptedAt = Date.now()
            child.kill('SIGINT')
          })()
        },
      })
      expect(r.code).toBe(130)
      expect(r.stderr).toContain('cancelled')
      // Well before the 30 s sleep would have ended on its own.
      expect(Date.now() - interruptedAt).toBeLessThan(15_000)
      const { rows } = await c.query(
        "select count(*)::int as n from pg_stat_activity where query like '%cli_ctrl_c%' and state = 'active' and pid <> pg_backend_pid()",
      )
      expect(rows[0]).toEqual({ n: 0 })
    } finally {
      await c.end()
    }
  })
})
