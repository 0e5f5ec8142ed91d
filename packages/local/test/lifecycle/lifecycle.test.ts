import { execFile, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startLocalRedshift } from '../../src/index.js'
import { postgresProcessesUnder } from './processes.js'

const run = promisify(execFile)

async function selectOne(
  url: { host: string; port: number },
  database: string,
  sql: string,
): Promise<unknown> {
  const c = new pg.Client({ ...url, user: 'awsuser', password: 'Password1', database })
  await c.connect()
  try {
    return (await c.query(sql)).rows[0]
  } finally {
    await c.end()
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rk-lifecycle-'))
// As root the engine runs as the `postgres` OS user, which must be able to enter the data directory's parents.
chmodSync(scratch, 0o755)
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// Concurrent: independent engines; each test waits mostly on its own start-up.
describe.concurrent('startLocalRedshift lifecycle', () => {
  it('starts, serves, and stop() leaves no process or temporary file', async () => {
    // The start-up time goal (< 3 s warm) is measured by `npm run bench`, not asserted here.
    const redshift = await startLocalRedshift()
    const tempRoot = path.dirname(redshift.engine.socketDir)
    expect((await postgresProcessesUnder(tempRoot)).length).toBeGreaterThan(0)
    expect(await selectOne(redshift.wire, redshift.database, 'select 1 as one')).toEqual({ one: 1 })
    await redshift.stop()
    await redshift.stop() // twice is harmless
    expect(await postgresProcessesUnder(tempRoot)).toEqual([])
    expect(existsSync(tempRoot)).toBe(false)
  })

  it('keeps data across restarts when given a data directory', async () => {
    const dataDir = path.join(scratch, 'kept')
    const first = await startLocalRedshift({ dataDir, tls: false })
    await selectOne(first.wire, first.database, 'create table kept_across_restarts (id int)')
    await selectOne(first.wire, first.database, 'insert into kept_across_restarts values (42)')
    await first.stop()
    expect(existsSync(dataDir)).toBe(true)
    const second = await startLocalRedshift({ dataDir, tls: false })
    try {
      expect(await selectOne(second.wire, second.database, 'select id from kept_across_restarts')).toEqual({
        id: 42,
      })
    } finally {
      await second.stop()
    }
  })
})

describe('the redshift-local command', () => {
  it('prints how to reach it, serves psql, and stops on SIGINT leaving no process behind', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--no-tls'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Press Ctrl+C')) resolve(output)
      })
      child.once('exit', (code) => reject(new Error(`redshift-local exited early (${code}): ${output}`)))
    })
    const banner = await ready
    const match = /listening on ([\d.]+):(\d+) \(database (\w+)\)/.exec(banner)
    expect(match).not.toBeNull()
    const [, host, port, database] = match as RegExpExecArray
    expect(banner).not.toContain('Password1')
    const dataDir = /data: +(\S+)/.exec(banner)?.[1]
    expect(dataDir).toBeDefined()
    const { stdout: psql } = await run(
      'psql',
      [
        '-h',
        host as string,
        '-p',
        port as string,
        '-U',
        'awsuser',
        '-d',
        database as string,
        '-Atc',
        'select version()',
      ],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'Password1' } },
    )
    expect(psql).toContain('Redshift')
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(await postgresProcessesUnder(dataDir as string)).toEqual([])
    expect(existsSync(dataDir as string)).toBe(false)
  })
})
