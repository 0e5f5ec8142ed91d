/**
 * The published defaults (password `Password1`, the local AWS key) on an interface others can reach:
 * refused unless the user says they mean it, and then warned about.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { DEFAULT_ACCESS_KEY, startLocalRedshift } from '../../src/index.js'
import { checkExposure, isLoopback } from '../../src/insecure-defaults.js'

const DEFAULT_USER = [{ name: 'awsuser', password: 'Password1' }]
const OWN_USER = [{ name: 'awsuser', password: 'a-long-password-of-my-own' }]
const OWN_KEY = [{ accessKeyId: 'AKIAMYOWNKEY00000001', secretAccessKey: 'my-own-secret' }]

describe('checkExposure', () => {
  it('knows loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopback(host), host).toBe(true)
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopback(host), host).toBe(false)
    }
  })

  it('allows anything on loopback', () => {
    expect(
      checkExposure({ host: '127.0.0.1', users: DEFAULT_USER, accessKeys: [DEFAULT_ACCESS_KEY] }, false),
    ).toBe(undefined)
  })

  it('refuses the default password or the default key elsewhere, naming the flag', () => {
    expect(() =>
      checkExposure({ host: '0.0.0.0', users: DEFAULT_USER, accessKeys: undefined }, false),
    ).toThrow(
      /refusing to listen on 0\.0\.0\.0 .*user "awsuser" has the published default password.*--allow-insecure-defaults/,
    )
    expect(() =>
      checkExposure({ host: '::', users: OWN_USER, accessKeys: [DEFAULT_ACCESS_KEY] }, false),
    ).toThrow(/published access key AKIALOCALREDSHIFTKIT/)
    expect(() =>
      checkExposure(
        {
          host: '10.1.2.3',
          users: OWN_USER,
          accessKeys: [{ ...OWN_KEY[0], secretAccessKey: DEFAULT_ACCESS_KEY.secretAccessKey } as never],
        },
        false,
      ),
    ).toThrow(/published access key/)
  })

  it('lets own passwords and keys through, and warns when the user means it', () => {
    expect(checkExposure({ host: '0.0.0.0', users: OWN_USER, accessKeys: OWN_KEY }, false)).toBe(undefined)
    expect(checkExposure({ host: '0.0.0.0', users: DEFAULT_USER, accessKeys: undefined }, true)).toMatch(
      /^INSECURE: listening on 0\.0\.0\.0 with published defaults/,
    )
  })

  it('startLocalRedshift refuses before starting anything', async () => {
    await expect(startLocalRedshift({ host: '0.0.0.0' })).rejects.toThrow(/allowInsecureDefaults: true/)
  })
})

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url))

/** Runs the command; resolves with its output once `until` matches stdout, or once it exits. */
function runCli(args: string[], until?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    if (until !== undefined) child.stdout.on('data', () => until.test(stdout) && resolve())
    void exited.then(() => (until === undefined ? resolve() : reject(new Error(`exited early: ${stderr}`))))
  })
  return { child, exited, ready, output: () => ({ stdout, stderr }) }
}

describe('redshift-local --host', () => {
  it('refuses 0.0.0.0 with the default user and key, and says how to proceed', async () => {
    const run = runCli(['--host', '0.0.0.0', '--port', '0', '--no-tls'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toMatch(/refusing to listen on 0\.0\.0\.0.*--allow-insecure-defaults/)
  })

  it('listens with --allow-insecure-defaults, warns loudly, and applies --max-connections', async () => {
    const run = runCli(
      [
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--no-tls',
        '--no-aws',
        '--allow-insecure-defaults',
        '--max-connections',
        '2',
      ],
      /Press Ctrl\+C/,
    )
    try {
      await run.ready
      const { stdout, stderr } = run.output()
      expect(stderr).toMatch(/INSECURE: listening on 0\.0\.0\.0 with published defaults/)
      const port = Number(/listening on 0\.0\.0\.0:(\d+)/.exec(stdout)?.[1])
      const connect = async () => {
        const c = new pg.Client({
          host: '127.0.0.1',
          port,
          user: 'awsuser',
          password: 'Password1',
          database: 'dev',
        })
        c.on('error', () => undefined)
        await c.connect()
        return c
      }
      const held = [await connect(), await connect()]
      await expect(connect()).rejects.toMatchObject({ code: '53300' })
      await Promise.all(held.map((c) => c.end()))
    } finally {
      run.child.kill('SIGTERM')
      await run.exited
    }
  })
})
