import { createHash, randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import type { LocalRedshift } from '@redshift-kit/local'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, engineClient, recordFigures, since, startServer, userSessions } from './harness.js'

// Random and adversarial protocol messages, before and after authentication. The gateway runs in
// this process: an exception it does not handle fails the file. Between rounds, a real client must
// still log in and query, and at the end no engine session may be left behind.

let server: LocalRedshift
let engine: pg.Client

beforeAll(async () => {
  // Hundreds of wrong passwords for the admin user from this address would make the login throttle
  // queue the health checks' own logins for minutes: that is the throttle working (it has its own
  // tests), not what this scenario measures, so it is off here.
  server = await startServer({ limits: { maxLoginDelayMs: 0 } })
  engine = await engineClient(server)
})
afterAll(async () => {
  await engine?.end().catch(() => undefined)
  await server?.stop()
})

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n | 0)
  return b
}
const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])])

function startup(params: Record<string, string>, version = 196608): Buffer {
  const body = Buffer.concat([
    int32(version),
    ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]),
    Buffer.from([0]),
  ])
  return Buffer.concat([int32(body.length + 4), body])
}

function typed(type: string, body: Buffer, declared?: number): Buffer {
  return Buffer.concat([Buffer.from(type, 'latin1'), int32(declared ?? body.length + 4), body])
}

/** Reads messages off a socket; `next(type)` resolves with the first message of that type. */
class Reader {
  #buf = Buffer.alloc(0)
  readonly messages: { type: string; body: Buffer }[] = []
  #waiters: (() => void)[] = []
  closed = false
  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d])
      while (this.#buf.length >= 5) {
        const len = this.#buf.readInt32BE(1)
        if (this.#buf.length < len + 1) break
        this.messages.push({
          type: String.fromCharCode(this.#buf[0] ?? 0),
          body: this.#buf.subarray(5, len + 1),
        })
        this.#buf = this.#buf.subarray(len + 1)
      }
      for (const w of this.#waiters.splice(0)) w()
    })
    socket.on('close', () => {
      this.closed = true
      for (const w of this.#waiters.splice(0)) w()
    })
  }
  async next(types: string, ms: number): Promise<{ type: string; body: Buffer } | undefined> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.messages.find((m) => types.includes(m.type))
      if (found !== undefined) return found
      if (this.closed || Date.now() > deadline) return undefined
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.#waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }
}

async function open(): Promise<{ socket: Socket; reader: Reader }> {
  const socket = connect(server.wire.port, server.wire.host)
  socket.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return { socket, reader: new Reader(socket) }
}

/** Logs in as the admin, answering MD5 or cleartext; resolves once ReadyForQuery arrives. */
async function login(): Promise<{ socket: Socket; reader: Reader }> {
  const c = await open()
  c.socket.write(startup({ user: ADMIN.name, database: 'dev' }))
  const auth = await c.reader.next('R', 5_000)
  const kind = auth?.body.readInt32BE(0)
  if (kind === 5 && auth !== undefined) {
    const salt = auth.body.subarray(4, 8)
    const inner = createHash('md5').update(`${ADMIN.password}${ADMIN.name}`).digest('hex')
    const outer = createHash('md5')
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest('hex')
    c.socket.write(typed('p', cstr(`md5${outer}`)))
  } else if (kind === 3) {
    c.socket.write(typed('p', cstr(ADMIN.password)))
  } else {
    throw new Error(`unexpected authentication request ${String(kind)}`)
  }
  const ready = await c.reader.next('ZE', 5_000)
  if (ready?.type !== 'Z') throw new Error('login failed')
  return c
}

const junkText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'select 1',
    "select '",
    'select $1',
    'copy t from program $$id$$',
    'do $$ begin perform pg_sleep(0); end $$',
    '\u0000',
    ';;;;',
    'select repeat($$x$$, 100000)',
  ),
)

/** A message sent before login. */
const preAuthMessage: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
  fc
    .constantFrom(0, 3, 4, 7, 8, 9, 10_000, 2 ** 31 - 1, 1_000_000_000, -1)
    .map((len) => Buffer.concat([int32(len), int32(196608), cstr('user')])),
  fc.integer().map((version) => startup({ user: ADMIN.name, database: 'dev' }, version)),
  fc.constant(Buffer.concat([int32(8), int32(80877103), int32(8), int32(80877103)])),
  fc
    .tuple(fc.integer(), fc.integer())
    .map(([pid, key]) => Buffer.concat([int32(16), int32(80877102), int32(pid), int32(key)])),
  fc
    .dictionary(fc.string({ maxLength: 30 }), fc.string({ maxLength: 100 }), { maxKeys: 20 })
    .map((params) => startup(params)),
  fc.constant(startup({ user: 'x'.repeat(100_000), database: 'dev' })),
  fc
    .tuple(fc.constantFrom(1_000_000_000, 2 ** 31 - 1, 5, 0), junkText)
    .map(([declared, text]) =>
      Buffer.concat([startup({ user: ADMIN.name, database: 'dev' }), typed('p', cstr(text), declared)]),
    ),
  junkText.map((pw) => Buffer.concat([startup({ user: ADMIN.name, database: 'dev' }), typed('p', cstr(pw))])),
)

const TYPES = 'QPBEDSCHFdcfpX?ZK1'

/** A message sent after login. */
const postAuthMessage: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...TYPES.split('')), fc.uint8Array({ maxLength: 200 }))
    .map(([t, b]) => typed(t, Buffer.from(b))),
  fc
    .tuple(
      fc.constantFrom(...TYPES.split('')),
      fc.uint8Array({ maxLength: 50 }),
      fc.constantFrom(0, 3, 2 ** 31 - 1, 1_000_000_000, -5),
    )
    .map(([t, b, declared]) => typed(t, Buffer.from(b), declared)),
  junkText.map((sql) => typed('Q', cstr(sql))),
  fc
    .tuple(junkText, fc.integer({ min: 0, max: 65_535 }))
    .map(([sql, n]) => typed('P', Buffer.concat([cstr(''), cstr(sql), Buffer.from([n >> 8, n & 255])]))),
  fc
    .tuple(fc.integer({ min: 0, max: 65_535 }), fc.integer({ min: 0, max: 65_535 }))
    .map(([formats, params]) =>
      typed(
        'B',
        Buffer.concat([
          cstr(''),
          cstr(''),
          Buffer.from([formats >> 8, formats & 255, params >> 8, params & 255]),
        ]),
      ),
    ),
  fc.string({ maxLength: 10 }).map((portal) => typed('E', Buffer.concat([cstr(portal), int32(0)]))),
  fc.constant(typed('S', Buffer.alloc(0))),
  fc.constant(typed('H', Buffer.alloc(0))),
  fc.uint8Array({ minLength: 1, maxLength: 100 }).map((a) => Buffer.from(a)),
)

async function healthy(): Promise<boolean> {
  const c = new pg.Client({
    ...server.wire,
    user: ADMIN.name,
    password: ADMIN.password,
    database: 'dev',
    connectionTimeoutMillis: 10_000,
  })
  try {
    await c.connect()
    const r = await c.query('SELECT 1 AS one')
    return r.rows[0]?.one === 1
  } catch {
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

async function pool<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let i = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) {
        const item = items[i++] as T
        await run(item)
      }
    }),
  )
}

describe('gateway fuzzing', () => {
  it('survives random and adversarial messages before and after login, and keeps serving', async () => {
    const t0 = performance.now()
    const pre = fc.sample(preAuthMessage, { numRuns: 400, seed: 1 })
    const post = fc.sample(fc.array(postAuthMessage, { minLength: 1, maxLength: 4 }), {
      numRuns: 400,
      seed: 2,
    })
    let unhealthy = 0
    let checks = 0
    let loginFailures = 0
    const check = async () => {
      checks++
      if (!(await healthy())) unhealthy++
    }
    let n = 0
    await pool(pre, 16, async (message) => {
      const c = await open()
      c.socket.write(message)
      // The server answers, closes, or waits for more; either way this connection goes after a while.
      await c.reader.next('ERZNS', 300)
      c.socket.destroy()
      if (++n % 100 === 0) await check()
    })
    await pool(post, 8, async (messages) => {
      let c: { socket: Socket; reader: Reader }
      try {
        c = await login()
      } catch {
        loginFailures++
        return
      }
      for (const m of messages) c.socket.write(m)
      c.socket.write(typed('S', Buffer.alloc(0)))
      await c.reader.next('X', 300)
      c.socket.destroy()
      if (++n % 100 === 0) await check()
    })
    // Also: a flood of random bytes on many connections at once.
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const c = await open()
        c.socket.write(randomBytes(64 * 1024))
        await c.reader.next('E', 500)
        c.socket.destroy()
      }),
    )
    await check()
    let leaked = -1
    await expect
      .poll(
        async () => {
          leaked = await userSessions(engine)
          return leaked
        },
        { timeout: 15_000 },
      )
      .toBe(0)
    recordFigures({
      scenario: 'gateway fuzzing',
      cases: pre.length + post.length + 50,
      failures: unhealthy + loginFailures,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `${pre.length} pre-login and ${post.length} post-login connections, 50 × 64 KiB of random bytes; ${checks} health checks`,
    })
    expect(unhealthy).toBe(0)
    expect(loginFailures).toBe(0)
  })
})
