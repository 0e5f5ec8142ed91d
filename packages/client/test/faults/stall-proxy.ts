import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'

/**
 * A TCP proxy in front of a server, for fault tests that must not block their own event loop: it
 * forwards bytes both ways until told to `stall()` (bytes are then held, both ways, as from a frozen
 * server or a stalled network: sockets stay open, nothing arrives), `resume()` (held bytes flow
 * again), or `resetAll()` (every client socket is reset, as a server restart or an idle-session
 * timeout does).
 */
export class StallProxy {
  readonly #server: Server
  readonly #pairs = new Set<{ client: Socket; upstream: Socket; held: (() => void)[] }>()
  #stalled = false
  #port = 0

  private constructor(server: Server) {
    this.#server = server
  }

  /** Starts a proxy on a free loopback port, forwarding to `host:port`. */
  static async start(host: string, port: number): Promise<StallProxy> {
    const server = createServer()
    const proxy = new StallProxy(server)
    server.on('connection', (client) => proxy.#accept(client, host, port))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    proxy.#port = typeof address === 'object' && address !== null ? address.port : 0
    return proxy
  }

  get host(): string {
    return '127.0.0.1'
  }

  get port(): number {
    return this.#port
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.#pairs.size
  }

  stall(): void {
    this.#stalled = true
  }

  resume(): void {
    this.#stalled = false
    for (const pair of this.#pairs) for (const send of pair.held.splice(0)) send()
  }

  /** Resets every connection open now (the client side sees ECONNRESET). */
  resetAll(): void {
    for (const pair of [...this.#pairs]) {
      pair.client.resetAndDestroy()
      pair.upstream.destroy()
    }
  }

  async close(): Promise<void> {
    this.resetAll()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket, host: string, port: number): void {
    const upstream = tcpConnect({ host, port })
    const pair = { client, upstream, held: [] as (() => void)[] }
    this.#pairs.add(pair)
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        const send = (): void => {
          if (!to.destroyed) to.write(chunk)
        }
        if (this.#stalled) pair.held.push(send)
        else send()
      })
    forward(client, upstream)
    forward(upstream, client)
    const end = (): void => {
      this.#pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  }
}
