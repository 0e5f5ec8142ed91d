import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** PIDs of every postgres process whose command line names a path below `dir` (asynchronous `ps`). */
export async function postgresProcessesUnder(dir: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return stdout
    .split('\n')
    .filter((line) => line.includes('postgres') && line.includes(dir))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
}

/** Resolves once no postgres process runs below `dir`, or rejects after `ms`. */
export async function postgresGone(dir: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if ((await postgresProcessesUnder(dir)).length === 0) return
    if (Date.now() > deadline) throw new Error(`postgres still runs below ${dir} after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export interface FixtureRun {
  readonly child: ReturnType<typeof spawn>
  /** stdout so far. */
  output(): string
  stderr(): string
  /** Resolves with the first stdout line that starts with `prefix` (the rest of the line). */
  line(prefix: string): Promise<string>
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs `fixtures/<name>` in a Node process of its own, as a user's script would run. */
export function runFixture(name: string, args: readonly string[] = []): FixtureRun {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const waiters: { prefix: string; resolve: (rest: string) => void }[] = []
  const check = () => {
    for (const w of [...waiters]) {
      const hit = out.split('\n').find((l) => l.startsWith(w.prefix))
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(hit.slice(w.prefix.length).trim())
      }
    }
  }
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
    check()
  })
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    output: () => out,
    stderr: () => err,
    line: (prefix) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ prefix, resolve })
        check()
        void exit.then(({ code }) =>
          reject(new Error(`${name} exited (${code}) before "${prefix}":\n${out}\n${err}`)),
        )
      }),
    exit,
  }
}
