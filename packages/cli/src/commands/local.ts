import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'

/** The `redshift-local` program of the installed @redshift-kit/local (its source when run from the repository). */
function redshiftLocalProgram(): string {
  const entry = fileURLToPath(import.meta.resolve('@redshift-kit/local'))
  const dir = path.dirname(entry)
  for (const name of ['cli.js', 'cli.ts']) {
    const candidate = path.join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  throw new Error(`cannot find the redshift-local program next to ${entry}`)
}

/**
 * `redshift-kit local`: runs `redshift-local` (same options, same output) in the foreground until
 * Ctrl+C or SIGTERM, which stop it and everything it started.
 */
export const localCommand: Command = {
  name: 'local',
  summary: 'start a local Redshift (redshift-local) in the foreground; Ctrl+C stops it',
  usage: ['redshift-kit local [redshift-local options]'],
  optionHelp: [
    ['--port N', 'wire port (default 5439; 0 = any free port)'],
    ['--host ADDR', 'interface to listen on (default 127.0.0.1)'],
    ['--data-dir DIR', 'keep the cluster across restarts (default: temporary)'],
    ['--user name:password[:super]', 'a user (repeatable)'],
    [
      '--wlm FILE / --s3-dir DIR / --aws-port N / --no-aws / --no-tls / --verbose',
      'as redshift-local --help says',
    ],
  ],
  examples: [
    'redshift-kit local --port 5439',
    'redshift-kit local --data-dir ./.redshift-local --user etl:Etl-pw-1',
  ],
  options: {},
  rawArgs: true,
  connects: false,
  async run(argv, _flags, io) {
    const child = spawn(process.execPath, [...process.execArgv, redshiftLocalProgram(), ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: io.env as NodeJS.ProcessEnv,
    })
    child.stdout?.pipe(io.stdout, { end: false })
    child.stderr?.pipe(io.stderr, { end: false })
    const forward = () => child.kill('SIGTERM')
    io.signal.addEventListener('abort', forward, { once: true })
    process.once('SIGTERM', forward)
    const code = await new Promise<number>((resolve) =>
      child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + 2 : EXIT.failed))),
    )
    process.off('SIGTERM', forward)
    io.signal.removeEventListener('abort', forward)
    return code
  },
}
