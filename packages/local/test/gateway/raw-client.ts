/** A bare PostgreSQL v3 client for tests that need exact control of the bytes (startup keys, portals, pipelining). */
import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { type Frame, FrameReader } from '../../src/gateway/protocol/framing.js'
import { MessageWriter } from '../../src/gateway/protocol/writer.js'

export interface RawMessage {
  /** Type letter, e.g. 'T', 'D', 'C', 'Z'. */
  readonly type: string
  readonly body: Buffer
}

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex')

export class RawClient {
  readonly socket: Socket
  readonly #reader = new FrameReader()
  readonly #received: RawMessage[] = []
  #waiter: (() => void) | undefined
  #closed = false
  parameters = new Map<string, string>()
  pid = 0
  secretKey = Buffer.alloc(0)
  /** The authentication request code the server sent (3 cleartext, 5 MD5). */
  authCode = -1
  /** NegotiateProtocolVersion's newest minor version and count of unrecognised options, when sent. */
  negotiated: { minor: number; options: number } | undefined

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.#reader.push(chunk) as Frame[]) {
        this.#received.push({ type: String.fromCharCode(f.type), body: Buffer.from(f.frame.subarray(5)) })
      }
      this.#wake()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake()
    })
    socket.on('error', () => undefined)
  }

  #wake(): void {
    const w = this.#waiter
    this.#waiter = undefined
    w?.()
  }

  /** Connects, sends a StartupMessage with `params`, answers the password request; resolves at ReadyForQuery or error. */
  static async connect(
    port: number,
    params: Record<string, string>,
    password: string,
    protocol = 196608,
  ): Promise<{ client: RawClient; error?: RawMessage }> {
    const socket = connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const client = new RawClient(socket)
    const w = new MessageWriter().int32(protocol)
    for (const [k, v] of Object.entries(params)) w.cstring(k).cstring(v)
    socket.write(w.byte(0).finish())
    for (;;) {
      const m = await client.next()
      if (m.type === 'E') return { client, error: m }
      if (m.type === 'R') {
        const code = m.body.readInt32BE(0)
        if (code === 0) continue
        client.authCode = code
        const user = params.user ?? ''
        const answer =
          code === 5
            ? `md5${md5(Buffer.concat([Buffer.from(md5(password + user)), m.body.subarray(4, 8)]))}`
            : password
        client.send(new MessageWriter().cstring(answer).finish(0x70))
      } else if (m.type === 'S') {
        const [k, v] = m.body.toString('utf8').split('\0')
        client.parameters.set(k as string, v as string)
      } else if (m.type === 'K') {
        client.pid = m.body.readInt32BE(0)
        client.secretKey = Buffer.from(m.body.subarray(4))
      } else if (m.type === 'v') {
        client.negotiated = { minor: m.body.readInt32BE(0), options: m.body.readInt32BE(4) }
      } else if (m.type === 'Z') {
        return { client }
      }
    }
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames))
  }

  /** The next message (rejects when the connection closed first). */
  async next(): Promise<RawMessage> {
    for (;;) {
      const m = this.#received.shift()
      if (m !== undefined) return m
      if (this.#closed) throw new Error('connection closed')
      await new Promise<void>((resolve) => {
        this.#waiter = resolve
      })
    }
  }

  /** Messages up to and including the next ReadyForQuery. */
  async untilReady(): Promise<RawMessage[]> {
    const out: RawMessage[] = []
    for (;;) {
      const m = await this.next()
      out.push(m)
      if (m.type === 'Z') return out
    }
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Frontend message builders. */
export const msg = {
  query: (sql: string) => new MessageWriter().cstring(sql).finish(0x51),
  parse: (name: string, sql: string) => new MessageWriter().cstring(name).cstring(sql).int16(0).finish(0x50),
  bind: (portal: string, statement: string, params: string[] = []) => {
    const w = new MessageWriter().cstring(portal).cstring(statement).int16(0).int16(params.length)
    for (const p of params) w.int32(Buffer.byteLength(p)).bytes(Buffer.from(p))
    return w.int16(0).finish(0x42)
  },
  describe: (kind: 'S' | 'P', name: string) =>
    new MessageWriter().byte(kind.charCodeAt(0)).cstring(name).finish(0x44),
  execute: (portal: string, maxRows = 0) => new MessageWriter().cstring(portal).int32(maxRows).finish(0x45),
  close: (kind: 'S' | 'P', name: string) =>
    new MessageWriter().byte(kind.charCodeAt(0)).cstring(name).finish(0x43),
  sync: () => new MessageWriter().finish(0x53),
  flush: () => new MessageWriter().finish(0x48),
}

/** The error fields of an ErrorResponse body: code letter -> value. */
export function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  while (i < body.length && body[i] !== 0) {
    const end = body.indexOf(0, i + 1)
    out[String.fromCharCode(body[i] as number)] = body.toString('utf8', i + 1, end)
    i = end + 1
  }
  return out
}

/** The 16-byte CancelRequest for a backend key, sent to the gateway on a new connection. */
export async function sendCancel(port: number, pid: number, secretKey: Buffer): Promise<void> {
  const request = Buffer.alloc(12 + secretKey.length)
  request.writeInt32BE(request.length, 0)
  request.writeInt32BE(80877102, 4)
  request.writeInt32BE(pid, 8)
  secretKey.copy(request, 12)
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve) => {
    socket.once('connect', () => socket.end(request))
    socket.once('close', () => resolve())
    socket.once('error', () => resolve())
  })
}
