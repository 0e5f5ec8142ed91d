import { type ChildProcess, spawn } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import type { EngineOsUser } from './os-user.js'

/** A running PostgreSQL server process that we started. */
export interface Postmaster {
  readonly pid: number
  /** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it is still up after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export interface PostmasterOptions {
  readonly postgres: string
  readonly dataDir: string
  readonly port: number
  readonly socketDir: string
  readonly settings: Readonly<Record<string, string>>
  readonly osUser: EngineOsUser
  readonly onLog: (line: string) => void
  /** Removed by the watchdog after the postmaster ends, when our own process dies without stopping it. */
  readonly orphanCleanupDirs?: readonly string[] | undefined
}

const READY = 'database system is ready to accept connections'

/** Handles of a child process that may keep the event loop alive. */
function setRef(child: ChildProcess, ref: boolean): void {
  const handles: (ChildProcess | Readable | Writable | null)[] = [
    child,
    child.stdin,
    child.stdout,
    child.stderr,
  ]
  for (const h of handles) {
    const handle = h as { ref?: () => void; unref?: () => void } | null
    if (ref) handle?.ref?.()
    else handle?.unref?.()
  }
}

/**
 * Ends the postmaster when our process ends without stopping it (killed, crashed, or a script that
 * never called `stop()`): a shell that waits for end-of-file on a pipe only we hold open. No exit or
 * signal hook is installed in our process: its exit code and signals stay its owner's.
 */
function startWatchdog(pid: number, cleanupDirs: readonly string[]): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined
  const script =
    'read -r _; kill -INT "$1" 2>/dev/null; n=0; while kill -0 "$1" 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done; ' +
    'kill -QUIT "$1" 2>/dev/null; shift; for d in "$@"; do rm -rf -- "$d"; done'
  const watchdog = spawn('/bin/sh', ['-c', script, 'redshift-local-watchdog', String(pid), ...cleanupDirs], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  watchdog.on('error', () => undefined)
  watchdog.stdin?.on('error', () => undefined)
  setRef(watchdog, false)
  return watchdog
}

/**
 * Starts `postgres` in a process group of its own (a terminal's Ctrl+C is for our process, which then
 * stops the engine in order) and resolves once it accepts connections.
 */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const args = ['-D', options.dataDir, '-p', String(options.port), '-k', options.socketDir]
  for (const [k, v] of Object.entries(options.settings)) args.push('-c', `${k}=${v}`)
  const child = spawn(options.postgres, args, {
    ...(options.osUser.ids ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  let tail = ''
  await new Promise<void>((resolve, reject) => {
    let pending = ''
    let ready = false
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        options.onLog(line)
        if (!ready) tail = `${tail}${line}\n`.slice(-4000)
        if (!ready && line.includes(READY)) {
          ready = true
          resolve()
        }
      }
    })
    child.once('error', (cause) => reject(new Error(`cannot run ${options.postgres}`, { cause })))
    child.once('exit', (code, signal) => {
      if (!ready)
        reject(
          new Error(`PostgreSQL exited during start-up (code ${code}, signal ${signal}):\n${tail.trim()}`),
        )
    })
  })
  const pid = child.pid as number
  const watchdog = startWatchdog(pid, options.orphanCleanupDirs ?? [])
  // The engine must not keep a user's process alive on its own: a script that forgets stop() still ends,
  // and the watchdog then stops the engine.
  setRef(child, false)
  let stopping: Promise<void> | undefined
  return {
    pid,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        // Waiting for the exit needs the handles referenced, or a process with nothing else to do would
        // end before the engine has.
        setRef(child, true)
        watchdog?.kill('SIGKILL')
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT')
          const timer = setTimeout(() => child.kill('SIGQUIT'), graceMs)
          await exited
          clearTimeout(timer)
        }
      })()
      return stopping
    },
  }
}
