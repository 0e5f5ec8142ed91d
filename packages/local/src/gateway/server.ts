/** The gateway's listener: starts the bookkeeping, accepts connections, and stops everything it opened. */

import { createServer, type Socket } from 'node:net'
import { createSecureContext } from 'node:tls'
import { connectAdmin, type SerialSession, serialSession } from '../engine/admin-session.js'
import { INTERNAL_TABLES_SQL } from '../engine/internal-tables.js'
import { isRedshiftSuperuserSql } from '../engine/superuser-role.js'
import { resolveWlmQueues, WaitAbortedError, WlmScheduler } from '../wlm/index.js'
import { GatewayContext, type RoleRecord, type UserRecord } from './context.js'
import { DEFAULT_DIALECT } from './dialect-seam.js'
import { acceptConnection, refuse } from './handshake.js'
import { resolveListenerLimits } from './listener-limits.js'
import type { Gateway, GatewayOptions } from './options.js'
import { validateGatewayOptions } from './options.js'
import { buildNotice } from './protocol/backend.js'
import { QueryLog } from './query-log.js'
import { RELATION_COLUMNS_SQL } from './relation-columns-lookup.js'

const TOO_MANY_CONNECTIONS = (max: number): Buffer =>
  buildNotice({
    severity: 'FATAL',
    code: '53300',
    message: `too many connections: this server accepts ${max} at once`,
    hint: 'close idle connections, or raise the limit (limits.maxConnections; redshift-local --max-connections)',
  })

async function loadEngineFacts(
  admin: SerialSession,
): Promise<{ settings: Set<string>; typeMap: Map<number, number> }> {
  const settings = new Set(
    (await admin.query<{ name: string }>('SELECT name FROM pg_settings')).rows.map((r) =>
      r.name.toLowerCase(),
    ),
  )
  const typeMap = new Map<number, number>()
  const hasMap = await admin.query<{ ok: boolean }>(
    "SELECT to_regclass('rk_internal.redshift_type_map') IS NOT NULL AS ok",
  )
  if (hasMap.rows[0]?.ok === true) {
    const rows = await admin.query<{ engine_oid: number; redshift_oid: number }>(
      'SELECT engine_oid::int AS engine_oid, redshift_oid::int AS redshift_oid FROM rk_internal.redshift_type_map WHERE engine_oid <> redshift_oid',
    )
    for (const r of rows.rows) typeMap.set(r.engine_oid, r.redshift_oid)
  }
  return { settings, typeMap }
}

/**
 * Starts the wire gateway in front of a running engine. The users must exist as engine roles and the
 * database holding rk_internal (`options.database`, default `dev`) must exist.
 *
 * @example
 * const gateway = await startGateway({ host: '127.0.0.1', port: 0, engine, users: [{ name: 'dev', password: 'secret' }], wlm: [] })
 * // psql "host=127.0.0.1 port=${gateway.port} user=dev dbname=dev"
 * await gateway.stop()
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  validateGatewayOptions(options)
  const limits = resolveListenerLimits(options.limits)
  const log = options.onLog ?? (() => undefined)
  const queues = resolveWlmQueues(options.wlm)
  const adminDatabase = options.database ?? 'dev'
  const admin = options.engine.client(adminDatabase)
  admin.on('error', (error) => log(`[gateway] admin connection: ${error.message}`))
  await connectAdmin(admin)
  // One engine session for the gateway's own SQL, shared by concurrent logins and bookkeeping.
  const internal = serialSession(admin)
  const sockets = new Set<Socket>()
  let scheduler: WlmScheduler | undefined
  let queryLog: QueryLog | undefined
  try {
    await internal.query(INTERNAL_TABLES_SQL)
    const facts = await loadEngineFacts(internal)
    scheduler = new WlmScheduler(queues)
    const wlm = scheduler
    queryLog = new QueryLog(internal, () => wlm.counters(), log)
    const bookkeeping = queryLog
    scheduler.onChange = () => bookkeeping.wlmChanged()
    await queryLog.writeQueues(queues)

    const roles = new Map<string, RoleRecord>()
    const loadRole = async (name: string): Promise<RoleRecord | undefined> => {
      const cached = roles.get(name)
      if (cached !== undefined) return cached
      const r = await internal.query<{ oid: number; superuser: boolean }>(
        `SELECT r.oid::int AS oid, ${isRedshiftSuperuserSql('r.oid')} AS superuser FROM pg_catalog.pg_roles r WHERE r.rolname = $1`,
        [name],
      )
      const row = r.rows[0]
      if (row === undefined) return undefined
      const role = { oid: row.oid, superuser: row.superuser }
      roles.set(name, role)
      return role
    }
    const storedPassword = async (name: string): Promise<string | undefined> => {
      const r = await internal.query<{ password: string }>(
        `SELECT a.rolpassword AS password FROM pg_catalog.pg_authid a
         WHERE a.rolname = $1 AND a.rolcanlogin AND a.rolpassword LIKE 'md5%'
           AND (a.rolvaliduntil IS NULL OR a.rolvaliduntil > pg_catalog.now())`,
        [name],
      )
      return r.rows[0]?.password
    }
    // The admin session reads the main database's catalog; sessions of other databases keep the
    // dialect's error (PIVOT over a plain table there must name its columns in a subquery).
    const relationColumns = async (database: string, user: string, relations: readonly string[]) => {
      if (database !== adminDatabase) return undefined
      const r = await internal.query<{ relation: string; columns: string[] | null }>(RELATION_COLUMNS_SQL, [
        relations,
        user,
      ])
      return new Map(r.rows.map((row) => [row.relation, row.columns ?? []]))
    }
    const users = new Map<string, UserRecord>(
      options.users.map((u) => [
        u.name,
        { name: u.name, password: u.password, superuser: u.superuser === true, groups: u.groups ?? [] },
      ]),
    )
    const ctx = new GatewayContext({
      engine: options.engine,
      dialect: options.dialect ?? DEFAULT_DIALECT,
      queryLog,
      scheduler,
      queues,
      authMethod: options.authMethod ?? 'md5',
      temporaryPassword: options.temporaryPassword,
      users,
      engineSettings: facts.settings,
      typeMap: facts.typeMap,
      adminDatabase,
      loadRole,
      storedPassword,
      log,
      commandExecutor: options.commandExecutor,
      statementHook: options.statementHook,
      relationColumns,
      limits,
    })
    const secureContext =
      options.tls === undefined
        ? undefined
        : createSecureContext({ key: options.tls.key, cert: options.tls.cert })
    const track = (socket: Socket): void => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    }
    let clients = 0
    const server = createServer((socket) => {
      track(socket)
      socket.on('error', () => undefined)
      if (clients >= limits.maxConnections) {
        // Answered before the startup packet, as PostgreSQL answers a failed fork: libpq and the
        // JDBC driver show the message; the socket is gone at once, so idle ones cannot pile up.
        refuse(socket, TOO_MANY_CONNECTIONS(limits.maxConnections))
        return
      }
      clients++
      socket.once('close', () => clients--)
      void acceptConnection(socket, ctx, { track, tls: secureContext })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : options.port
    let stopping: Promise<void> | undefined
    return {
      host: options.host,
      port,
      stop() {
        stopping ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()))
          wlm.abortAll(new WaitAbortedError('the server is shutting down'))
          for (const session of [...ctx.sessions.values()]) session.close()
          await Promise.all(
            [...sockets].map(
              (s) =>
                new Promise<void>((resolve) => {
                  if (s.destroyed && s.closed) return resolve()
                  s.once('close', () => resolve())
                  s.destroy()
                }),
            ),
          )
          await closed
          await bookkeeping.close()
          await admin.end().catch(() => undefined)
        })()
        return stopping
      },
    }
  } catch (error) {
    await queryLog?.close()
    await admin.end().catch(() => undefined)
    for (const s of sockets) s.destroy()
    throw error
  }
}
