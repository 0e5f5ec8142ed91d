/** One engine and one gateway per test file, with a database `dev` and a few users. */
import pg from 'pg'
import { installCompat } from '../../src/engine/compat/index.js'
import { type Engine, startEngine } from '../../src/engine/engine.js'
import { ensureEngineUsers } from '../../src/engine/superuser-role.js'
import { type Gateway, type GatewayOptions, type LocalUser, startGateway } from '../../src/gateway/index.js'
import { errorFields, RawClient } from './raw-client.js'

export const USERS: readonly LocalUser[] = [
  { name: 'alice', password: 'Alice-pass-1', groups: ['analysts'] },
  { name: 'admin', password: 'Admin-pass-1', superuser: true },
]
export const ALICE = USERS[0] as LocalUser
export const ADMIN = USERS[1] as LocalUser

export interface TestGateway {
  readonly engine: Engine
  readonly gateway: Gateway
  readonly logs: string[]
  /** A `pg` client to the gateway (not connected). */
  client(user?: LocalUser, extra?: Partial<pg.ClientConfig>): pg.Client
  /** A connected client; closed by `stop`. */
  connect(user?: LocalUser, extra?: Partial<pg.ClientConfig>): Promise<pg.Client>
  /** A superuser client straight to the engine (for checking what the gateway wrote). */
  engineQuery<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>
  /** Another gateway on the same engine (closed by `stop`). */
  startAnother(options: Partial<GatewayOptions>): Promise<Gateway>
  stop(): Promise<void>
}

/** Starts an engine with database `dev`, the USERS as roles, the compat schema, and a gateway on port 0. */
export async function startTestGateway(options: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const engine = await startEngine()
  const setup = engine.client('postgres')
  await setup.connect()
  await setup.query('CREATE DATABASE dev')
  await ensureEngineUsers(setup, USERS)
  await setup.end()
  const admin = engine.client('dev')
  await admin.connect()
  await admin.query('GRANT ALL ON SCHEMA public TO PUBLIC')
  await installCompat(admin)
  const logs: string[] = []
  const base: GatewayOptions = {
    host: '127.0.0.1',
    port: 0,
    engine,
    users: USERS,
    wlm: [],
    onLog: (line) => logs.push(line),
  }
  const gateway = await startGateway({ ...base, ...options })
  const others: Gateway[] = []
  const clients: pg.Client[] = []
  const client = (user: LocalUser = ALICE, extra: Partial<pg.ClientConfig> = {}): pg.Client =>
    new pg.Client({
      host: '127.0.0.1',
      port: gateway.port,
      user: user.name,
      password: user.password,
      database: 'dev',
      ...extra,
    })
  return {
    engine,
    gateway,
    logs,
    client,
    async connect(user, extra) {
      const c = client(user, extra)
      c.on('error', () => undefined)
      await c.connect()
      clients.push(c)
      return c
    },
    engineQuery: (sql, params) => admin.query(sql, params),
    async startAnother(extra) {
      const g = await startGateway({ ...base, ...extra })
      others.push(g)
      return g
    },
    async stop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
      for (const g of others) await g.stop()
      await gateway.stop()
      await admin.end()
      await engine.stop()
    },
  }
}

/** A raw protocol client logged in to `t`'s gateway as `user` (database dev); throws the server's refusal. */
export async function connectRaw(t: TestGateway, user: LocalUser): Promise<RawClient> {
  const { client, error } = await RawClient.connect(
    t.gateway.port,
    { user: user.name, database: 'dev' },
    user.password,
  )
  if (error) throw new Error(errorFields(error.body).M)
  return client
}
