import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { REDSHIFT_SETTING_DEFAULTS } from '@redshift-kit/dialect'
import pg from 'pg'
import { engineBinaries } from './binaries.js'
import { freePort } from './free-port.js'
import { type EngineOsUser, engineOsUser } from './os-user.js'
import { type Postmaster, startPostmaster } from './postmaster.js'

/** Options of the embedded PostgreSQL that plays Redshift's compute. */
export interface EngineOptions {
  /** Keep the cluster here across restarts; a fresh temporary one when absent. */
  readonly dataDir?: string | undefined
  /** Receives the engine's own log lines (PostgreSQL's stderr). */
  readonly onLog?: ((line: string) => void) | undefined
  /** More temporary directories to remove if our process dies without stopping the engine. */
  readonly orphanCleanupDirs?: readonly string[] | undefined
}

/** A running engine. The gateway reaches it over a private Unix socket (peer authentication); TCP needs the password. */
export interface Engine {
  /** Directory of the engine's Unix socket: `pg` takes it as `host`. */
  readonly socketDir: string
  /** The engine's port (also names the socket file `.s.PGSQL.<port>`); TCP on 127.0.0.1 with a password. */
  readonly port: number
  /** The engine's superuser, named as Redshift's own (`rdsdb`). */
  readonly superuser: string
  /** Password of the superuser for TCP connections (the socket admits only our own OS account). */
  readonly superuserPassword: string
  /** The cluster's data directory. */
  readonly dataDir: string
  /** A new, unconnected client to `database` as `user` (default: the superuser) over the socket. */
  client(database: string, user?: string): pg.Client
  /** Stops PostgreSQL and removes the cluster unless it lives in a directory the caller gave. */
  stop(): Promise<void>
}

export const ENGINE_SUPERUSER = 'rdsdb'

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

/** Runs `initdb` for a new cluster whose superuser is `ENGINE_SUPERUSER`, as the engine's OS user. */
async function initialiseCluster(initdb: string, dataDir: string, osUser: EngineOsUser, password: string) {
  const pwfile = path.join(path.dirname(dataDir), `.pw-${randomBytes(6).toString('hex')}`)
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
  if (osUser.ids) await chown(pwfile, osUser.ids.uid, osUser.ids.gid)
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${ENGINE_SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ]
    await new Promise<void>((resolve, reject) => {
      const child = spawn(initdb, args, {
        ...(osUser.ids ?? {}),
        env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout?.on('data', (d: Buffer) => {
        output = `${output}${d.toString('utf8')}`.slice(-4000)
      })
      child.stderr?.on('data', (d: Buffer) => {
        output = `${output}${d.toString('utf8')}`.slice(-4000)
      })
      child.once('error', (cause) => reject(new Error(`cannot run ${initdb}`, { cause })))
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}):\n${output.trim()}`)),
      )
    })
  } finally {
    await rm(pwfile, { force: true })
  }
}

/**
 * Who may connect, rewritten at every start: over the private socket, only our own OS account (peer
 * authentication, mapped to any engine role the gateway asks for); over TCP on 127.0.0.1, only the
 * engine superuser with its password. Nothing else.
 */
async function writeAccessRules(dataDir: string, osUser: EngineOsUser): Promise<void> {
  const me = os.userInfo().username
  const files: [string, string][] = [
    [
      'pg_hba.conf',
      `# Written by redshift-local at every start.\nlocal all all peer map=redshift_local\nhost all ${ENGINE_SUPERUSER} 127.0.0.1/32 scram-sha-256\n`,
    ],
    ['pg_ident.conf', `# Written by redshift-local at every start.\nredshift_local ${me} all\n`],
  ]
  for (const [name, text] of files) {
    const file = path.join(dataDir, name)
    await writeFile(file, text, { mode: 0o600 })
    if (osUser.ids) await chown(file, osUser.ids.uid, osUser.ids.gid)
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL tuned to stand in for Redshift: UTC everywhere,
 * serializable by default, durability off for temporary clusters. Its Unix socket sits in a private
 * directory with peer authentication; nothing is installed in the calling process (no exit or signal
 * hooks), and the engine still ends if that process dies without calling `stop()`.
 *
 * @example
 * const engine = await startEngine()
 * const c = engine.client('postgres'); await c.connect(); await c.query('select 1'); await c.end()
 * await engine.stop()
 */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const binaries = await engineBinaries()
  const osUser = await engineOsUser()
  const temporary = options.dataDir === undefined
  const root = temporary
    ? await mkdtemp(path.join(os.tmpdir(), 'redshift-local-'))
    : path.resolve(options.dataDir as string)
  await mkdir(root, { recursive: true })
  try {
    if (osUser.ids) {
      // PostgreSQL runs as the `postgres` account, which must be able to reach its directories.
      await chmod(root, 0o755)
      await assertReachableByPostgres(root)
    }
    const dataDir = path.join(root, 'pgdata')
    const socketDir = path.join(root, 'socket')
    await rm(socketDir, { recursive: true, force: true })
    await mkdir(socketDir, { mode: 0o700 })
    await chmod(socketDir, 0o700)
    if (osUser.ids) await chown(socketDir, osUser.ids.uid, osUser.ids.gid)
    const superuserPassword = randomBytes(18).toString('base64url')
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 })
      if (osUser.ids) await chown(dataDir, osUser.ids.uid, osUser.ids.gid)
      await initialiseCluster(binaries.initdb, dataDir, osUser, superuserPassword)
    }
    await writeAccessRules(dataDir, osUser)
    const port = await freePort()
    const log = options.onLog ?? (() => undefined)
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_permissions: '0700',
      timezone: 'UTC',
      log_timezone: 'UTC',
      datestyle: 'ISO, MDY',
      // Redshift's default isolation (provisioned clusters) is SERIALIZABLE.
      default_transaction_isolation: 'serializable',
      max_connections: '500',
      max_pred_locks_per_transaction: '256',
      // PostgreSQL logs a failing statement's text (log_min_error_statement = error), passwords of
      // CREATE/ALTER USER included; the gateway's query log keeps statements, masked.
      log_min_error_statement: 'panic',
      // Redshift-only session settings live in the engine as custom settings, so SET/RESET/SHOW of them
      // are transactional and per session as on Redshift.
      ...Object.fromEntries(Object.entries(REDSHIFT_SETTING_DEFAULTS).map(([k, v]) => [`rk.${k}`, v])),
      ...(temporary ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    }
    let postmaster: Postmaster
    try {
      postmaster = await startPostmaster({
        postgres: binaries.postgres,
        dataDir,
        port,
        socketDir,
        settings,
        osUser,
        onLog: log,
        orphanCleanupDirs: [...(temporary ? [root] : []), ...(options.orphanCleanupDirs ?? [])],
      })
    } catch (cause) {
      throw new Error(`the embedded PostgreSQL did not start (data directory ${dataDir})`, { cause })
    }
    const client = (database: string, user: string = ENGINE_SUPERUSER): pg.Client =>
      new pg.Client({ host: socketDir, port, user, database })
    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= postmaster.stop().finally(async () => {
        if (temporary) await rm(root, { recursive: true, force: true })
      })
      return stopping
    }
    try {
      // The password of a kept cluster is the one of its first start: set this start's.
      const admin = client('postgres')
      await admin.connect()
      try {
        await admin.query(`alter role ${ENGINE_SUPERUSER} password ${pg.escapeLiteral(superuserPassword)}`)
      } finally {
        await admin.end()
      }
    } catch (err) {
      await stop()
      throw err
    }
    return { socketDir, port, superuser: ENGINE_SUPERUSER, superuserPassword, dataDir, client, stop }
  } catch (err) {
    if (temporary) await rm(root, { recursive: true, force: true })
    throw err
  }
}
