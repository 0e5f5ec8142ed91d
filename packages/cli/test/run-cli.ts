import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import pg from 'pg'
import { inject } from 'vitest'

export const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

let bundled: Promise<string> | undefined

/**
 * The CLI and the workspace packages it uses bundled into one file, as a published build would run
 * (its dependencies stay in node_modules): built once per test process. Starting it takes about a
 * third of running the sources through tsx, which the tests do some sixty times.
 */
function bundledBin(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(
      repo,
      'node_modules',
      '.cache',
      'redshift-kit-cli-tests',
      `bin-${process.pid}.mjs`,
    )
    const src = (name: string) => path.join(repo, 'packages', name, 'src', 'index.ts')
    await build({
      entryPoints: [bin],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      alias: {
        '@redshift-kit/client': src('client'),
        '@redshift-kit/dialect': src('dialect'),
        '@redshift-kit/local': src('local'),
      },
      logLevel: 'error',
    })
    return outfile
  })()
  return bundled
}

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly stdin?: string
  /** Runs under a pseudo-terminal (`script`), as in a user's terminal: stdout and stderr are a TTY. */
  readonly tty?: boolean
  /** Called with the child once it runs (to send signals). */
  readonly onSpawn?: (child: ReturnType<typeof spawn>, output: () => string) => void
}

/** The environment of a user's shell, without the test runner's variables that change colours. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CI', 'REDSHIFT_URL', 'REDSHIFT_HOST'])
    if (!(k in extra)) delete env[k]
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k]
  return env
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/**
 * Runs `redshift-kit` as a user does: a process of its own, the bin entry of @redshift-kit/cli
 * (bundled from source; `local` through tsx, as `npm run redshift-kit` runs it in this repository).
 */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  // `local` runs redshift-local from its sources, which needs tsx in the process it starts.
  const argv =
    args[0] === 'local'
      ? [process.execPath, '--import', 'tsx', bin, ...args]
      : [process.execPath, await bundledBin(), ...args]
  const child = options.tty
    ? spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], {
        cwd: repo,
        env: baseEnv({ TERM: 'xterm', ...options.env }),
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(argv[0] as string, argv.slice(1), {
        cwd: repo,
        env: baseEnv(options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  if (options.stdin !== undefined) child.stdin?.end(options.stdin)
  else if (!options.tty) child.stdin?.end()
  options.onSpawn?.(child, () => stdout)
  return new Promise<CliRun>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
}

/** The shared local Redshift of the test run, as a URL and as an admin `pg` client. */
export function sharedServer() {
  const shared = inject('redshift')
  const url = `redshift://${shared.admin.name}:${encodeURIComponent(shared.admin.password)}@${shared.host}:${shared.port}/${shared.database}?sslmode=disable`
  return {
    shared,
    url,
    async admin(): Promise<pg.Client> {
      const c = new pg.Client({
        host: shared.host,
        port: shared.port,
        database: shared.database,
        user: shared.admin.name,
        password: shared.admin.password,
      })
      await c.connect()
      return c
    },
  }
}
