/**
 * The engine behind the gateway: reachable only by our own OS account over its Unix socket, and by
 * the engine superuser's password over TCP. Each test is an attempt by someone else.
 */
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

let redshift: LocalRedshift

beforeAll(async () => {
  redshift = await startLocalRedshift({ aws: false, tls: false })
})
afterAll(async () => {
  await redshift?.stop()
})

/** Runs `script` with node as another OS account; resolves with what it printed. */
function runAs(uid: number, script: string): Promise<string> {
  const child = spawn(process.execPath, ['-e', script], { uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString()
  })
  return new Promise((resolve) => child.once('exit', () => resolve(out.trim())))
}

async function engineError(config: pg.ClientConfig): Promise<string | undefined> {
  const c = new pg.Client({ host: '127.0.0.1', port: redshift.engine.port, database: 'dev', ...config })
  c.on('error', () => undefined)
  try {
    await c.connect()
    await c.end()
    return undefined
  } catch (e) {
    return (e as { code?: string }).code
  }
}

describe('the engine’s Unix socket', () => {
  it('sits in a directory only the engine’s OS account may enter', async () => {
    const dir = await stat(redshift.engine.socketDir)
    expect(dir.mode & 0o777).toBe(0o700)
    const socket = path.join(redshift.engine.socketDir, `.s.PGSQL.${redshift.engine.port}`)
    expect((await stat(socket)).uid).toBe(dir.uid)
  })

  it('accepts peer authentication of our own account only, never trust', async () => {
    const admin = new pg.Client({
      host: '127.0.0.1',
      port: redshift.engine.port,
      user: redshift.engine.user,
      password: redshift.engine.password,
      database: 'dev',
    })
    await admin.connect()
    try {
      const rules = await admin.query<{ type: string; auth_method: string }>(
        'SELECT type, auth_method FROM pg_hba_file_rules WHERE error IS NULL',
      )
      expect(rules.rows.length).toBeGreaterThan(0)
      expect(rules.rows.map((r) => r.auth_method)).not.toContain('trust')
      expect(rules.rows.filter((r) => r.type === 'local').map((r) => r.auth_method)).toEqual(['peer'])
    } finally {
      await admin.end()
    }
  })

  it.skipIf(process.getuid?.() !== 0)(
    'refuses another local OS account (nobody, 65534) (needs root to act as another account)',
    async () => {
      const socket = path.join(redshift.engine.socketDir, `.s.PGSQL.${redshift.engine.port}`)
      const script = `const s = require('node:net').connect(${JSON.stringify(socket)});
        s.on('connect', () => { console.log('connected'); s.destroy() });
        s.on('error', (e) => console.log(e.code))`
      expect(await runAs(65534, script)).toBe('EACCES')
    },
  )
})

describe('the engine’s TCP port', () => {
  it('refuses gateway users, with or without a password', async () => {
    expect(await engineError({ user: 'awsuser', password: 'Password1' })).toBe('28000')
  })

  it('refuses the engine superuser without its password', async () => {
    expect(await engineError({ user: redshift.engine.user, password: 'not-the-password' })).toBe('28P01')
  })
})
