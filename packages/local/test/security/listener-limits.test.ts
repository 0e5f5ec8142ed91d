/**
 * Starving the gateway before login: idle sockets, slow or endless handshakes, giant declared message
 * lengths, and password guessing. Each test is the attack, with a bound it must meet.
 */
import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '../../src/gateway/index.js'
import { FrameReader, MessageLengthError } from '../../src/gateway/protocol/framing.js'
import { MessageWriter } from '../../src/gateway/protocol/writer.js'
import { ADMIN, ALICE, startTestGateway, type TestGateway } from '../gateway/helpers.js'
import { errorFields, RawClient } from '../gateway/raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t?.stop()
})

/** A raw TCP connection to `port`, with everything it receives and its close awaited. */
interface Probe {
  readonly socket: Socket
  /** Resolves with every byte received once the server has closed the connection. */
  readonly closed: Promise<Buffer>
}

async function probe(port: number): Promise<Probe> {
  const socket = connect({ host: '127.0.0.1', port })
  const chunks: Buffer[] = []
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.on('error', () => undefined)
  const closed = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return { socket, closed }
}

/**
 * The SQLSTATE of the ErrorResponse a closed connection received, or undefined. Messages are walked
 * one by one: an md5 password request carries a random salt, which may hold the byte 'E' itself.
 */
function errorCode(received: Buffer): string | undefined {
  for (let at = 0; at + 5 <= received.length; at += 1 + received.readUInt32BE(at + 1)) {
    if (received[at] === 0x45) return errorFields(received.subarray(at + 5)).C // 'E'
  }
  return undefined
}

function startupMessage(user: string): Buffer {
  return new MessageWriter()
    .int32(196608)
    .cstring('user')
    .cstring(user)
    .cstring('database')
    .cstring('dev')
    .byte(0)
    .finish()
}

async function login(gateway: Gateway, user: { name: string; password: string }): Promise<pg.Client> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: gateway.port,
    user: user.name,
    password: user.password,
    database: 'dev',
  })
  c.on('error', () => undefined)
  await c.connect()
  return c
}

describe('authentication timeout', () => {
  it('ends a connection that never sends its startup packet, with 57014', async () => {
    const g = await t.startAnother({ limits: { authenticationTimeoutMs: 300 } })
    const started = performance.now()
    const p = await probe(g.port)
    const received = await p.closed
    expect(errorCode(received)).toBe('57014')
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('ends a connection that stops after its startup packet, before its password', async () => {
    const g = await t.startAnother({ limits: { authenticationTimeoutMs: 300 } })
    const p = await probe(g.port)
    p.socket.write(startupMessage(ALICE.name))
    const received = await p.closed
    expect(received[0]).toBe(0x52) // the password request came first
    expect(errorCode(received)).toBe('57014')
  })

  it('leaves logged-in sessions alone', async () => {
    const g = await t.startAnother({ limits: { authenticationTimeoutMs: 300 } })
    const c = await login(g, ALICE)
    await new Promise((resolve) => setTimeout(resolve, 600)) // past the deadline on purpose
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
    await c.end()
  })
})

describe('message sizes', () => {
  it('refuses a password message declaring 1 GB with 08P01, at once and without reserving it', async () => {
    const before = process.memoryUsage().arrayBuffers
    const probes = await Promise.all(Array.from({ length: 20 }, () => probe(t.gateway.port)))
    for (const p of probes) {
      p.socket.write(startupMessage(ALICE.name))
      const header = Buffer.alloc(5)
      header[0] = 0x70 // 'p'
      header.writeUInt32BE(1024 * 1024 * 1024, 1)
      p.socket.write(Buffer.concat([header, Buffer.alloc(1024, 0x61)]))
    }
    const received = await Promise.all(probes.map((p) => p.closed))
    for (const r of received) expect(errorCode(r)).toBe('08P01')
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('refuses a startup packet over 10,000 bytes with 08P01', async () => {
    const p = await probe(t.gateway.port)
    const header = Buffer.alloc(8)
    header.writeUInt32BE(10_001, 0)
    header.writeUInt32BE(196608, 4)
    p.socket.write(header)
    expect(errorCode(await p.closed)).toBe('08P01')
  })

  it('after login, buffers a message declared at 1 GB only as its bytes arrive', () => {
    const reader = new FrameReader()
    const before = process.memoryUsage().arrayBuffers
    const header = Buffer.alloc(5)
    header[0] = 0x51 // 'Q'
    header.writeUInt32BE(1024 * 1024 * 1024, 1)
    expect(reader.push(Buffer.concat([header, Buffer.alloc(4096)]))).toEqual([])
    for (let i = 0; i < 8; i++) reader.push(Buffer.alloc(256 * 1024))
    expect(reader.bufferedBytes).toBe(5 + 4096 + 8 * 256 * 1024)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024)
  })

  it('still assembles large messages cut across many chunks, byte for byte', () => {
    const reader = new FrameReader()
    const body = Buffer.alloc(3 * 1024 * 1024 + 7)
    for (let i = 0; i < body.length; i++) body[i] = i % 251
    const message = Buffer.concat([Buffer.from([0x51, 0, 0, 0, 0]), body])
    message.writeUInt32BE(body.length + 4, 1)
    const frames = []
    for (let at = 0; at < message.length; at += 65_536)
      frames.push(...reader.push(message.subarray(at, at + 65_536)))
    expect(frames).toHaveLength(1)
    expect(frames[0]?.frame.equals(message)).toBe(true)
    expect(reader.bufferedBytes).toBe(0)
  })

  it('names the bound a declared length breaks', () => {
    const reader = new FrameReader(65_535)
    const header = Buffer.from([0x70, 0, 1, 0, 0]) // 65,536
    expect(() => reader.push(header)).toThrow(MessageLengthError)
    expect(() => new FrameReader(65_535).push(header)).toThrow(/declares 65536 bytes, more than the 65535/)
  })
})

describe('connection cap', () => {
  it('holds 1,100 idle connections to the cap, refuses the rest at once with 53300, and frees slots', async () => {
    const cap = 100
    const g = await t.startAnother({ limits: { maxConnections: cap } })
    const idle: Probe[] = []
    for (let batch = 0; batch < 11; batch++) {
      idle.push(...(await Promise.all(Array.from({ length: 100 }, () => probe(g.port)))))
    }
    // Exactly the connections over the cap are answered and closed; the others stay open and silent.
    const codes: (string | undefined)[] = []
    const outcomes = idle.map((p) => p.closed.then((received) => codes.push(errorCode(received))))
    await new Promise<void>((resolve) => {
      const check = () => (codes.length >= idle.length - cap ? resolve() : setTimeout(check, 20))
      check()
    })
    expect(codes).toEqual(Array(1_000).fill('53300'))
    expect(idle.filter((p) => p.socket.readyState === 'open')).toHaveLength(cap)

    const refusal = await login(g, ALICE).then(
      () => undefined,
      (e: { code?: string; message?: string }) => e,
    )
    expect(refusal).toMatchObject({ code: '53300', message: expect.stringMatching(/too many connections/) })

    for (const p of idle) p.socket.destroy()
    await Promise.all(outcomes)
    let c: pg.Client | undefined
    for (let attempt = 0; c === undefined; attempt++) {
      c = await login(g, ALICE).catch((e: { code?: string }) => {
        // The gateway sees the closes a moment after the client makes them.
        if (e.code !== '53300' || attempt > 100) throw e
        return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20))
      })
    }
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
    await c.end()
  })
})

describe('failed login throttling', () => {
  it('spaces out guesses of one user from one address, without slowing other users', async () => {
    const g = await t.startAnother({ limits: { maxLoginDelayMs: 400 } })
    const guess = (): Promise<string | undefined> =>
      RawClient.connect(g.port, { user: ADMIN.name, database: 'dev' }, 'wrong-guess').then(
        ({ client, error }) => {
          client.close()
          return error === undefined ? undefined : errorFields(error.body).C
        },
      )
    const started = performance.now()
    const guesses = Promise.all(Array.from({ length: 12 }, guess))
    // Meanwhile another user logs in at once.
    const other = performance.now()
    const c = await login(g, ALICE)
    expect(performance.now() - other).toBeLessThan(1_000)
    await c.end()
    expect(await guesses).toEqual(Array(12).fill('28000'))
    // 5 free attempts, then turns 0, 100, 200, 400, 400... ms apart: at least 1.5 s for 12.
    expect(performance.now() - started).toBeGreaterThan(1_500)
    // The right password still gets in (after its turn), and the pair starts afresh.
    const right = await login(g, ADMIN)
    await right.end()
    const quick = performance.now()
    await (await login(g, ADMIN)).end()
    expect(performance.now() - quick).toBeLessThan(1_000)
  })

  it('a client that hangs up while its login waits its turn leaves no engine session behind', async () => {
    const g = await t.startAnother({ limits: { maxLoginDelayMs: 400 } })
    const sessions = async () =>
      Number(
        (
          await t.engineQuery<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND backend_type = 'client backend'",
            [ADMIN.name],
          )
        ).rows[0]?.n,
      )
    const before = await sessions()
    const guesses = Array.from({ length: 8 }, () =>
      RawClient.connect(g.port, { user: ADMIN.name, database: 'dev' }, 'wrong-guess').then(({ client }) =>
        client.close(),
      ),
    )
    // The right password, queued behind the guesses; the client gives up before its turn comes.
    const p = await probe(g.port)
    p.socket.write(startupMessage(ADMIN.name))
    const request = await new Promise<Buffer>((resolve) => p.socket.once('data', resolve))
    const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex')
    const salt = request.subarray(9, 13)
    const answer = `md5${md5(Buffer.concat([Buffer.from(md5(ADMIN.password + ADMIN.name)), salt]))}`
    p.socket.end(new MessageWriter().cstring(answer).finish(0x70))
    await p.closed
    await Promise.all(guesses)
    // Its turn came after it left: the login went through on the gateway, and was dropped there.
    await expect.poll(sessions, { timeout: 5_000 }).toBe(before)
    const c = await login(g, ADMIN)
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
    await c.end()
  })

  it('keeps a sequential guesser far below a handful of attempts per second (default limits)', async () => {
    let attempts = 0
    const until = performance.now() + 3_000
    while (performance.now() < until) {
      const { client, error } = await RawClient.connect(
        t.gateway.port,
        { user: 'ghost', database: 'dev' },
        'nope',
      )
      client.close()
      expect(error).toBeDefined()
      attempts++
    }
    // 5 free, then turns 0, 100, 200, 400, 800, 1600 ms apart: at most 11 in 3 s (thousands before).
    expect(attempts).toBeLessThanOrEqual(11)
  })
})
