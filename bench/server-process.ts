import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Where a benchmark connects: a redshift-local running in a process of its own. */
export interface ServerProcess {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: string
  /** Stops it (SIGINT, as Ctrl+C) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts `redshift-local` (no TLS, no AWS endpoint) as a child process, as a user runs it: a client
 * measured against it has its event loop to itself, as it would against a real Redshift, instead of
 * sharing it with the gateway it talks to.
 */
export async function startServerProcess(): Promise<ServerProcess> {
  const cli = fileURLToPath(new URL('../packages/local/src/cli.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--no-tls', '--no-aws'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let banner = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString()
      if (banner.includes('Press Ctrl+C')) resolve()
    })
    void exited.then((code) => reject(new Error(`redshift-local exited early (${code}): ${banner}`)))
  })
  child.stdout.resume()
  const match = /listening on ([\d.]+):(\d+) \(database (\w+)\)/.exec(banner)
  if (!match) throw new Error(`cannot read redshift-local's address from: ${banner}`)
  return {
    host: match[1] as string,
    port: Number(match[2]),
    database: match[3] as string,
    // The default superuser of redshift-local (see its README).
    user: 'awsuser',
    password: 'Password1',
    stop: async () => {
      child.kill('SIGINT')
      await exited
    },
  }
}
