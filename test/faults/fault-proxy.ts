import { once } from 'node:events'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'

/**
 * What the proxy does to traffic.
 *
 * - `pass`: forwards bytes both ways.
 * - `refuse`: new connections are reset as soon as they are accepted (existing ones keep working).
 * - `blackhole`: new connections are accepted and never answered (no upstream is opened): a peer
 *   that stopped responding before the handshake.
 * - `stall`: every connection, new or open, stops forwarding in both directions; bytes already sent
 *   wait in the proxy and are delivered, in order, when the mode changes back.
 * - `slow`: every chunk waits `delayMs` before it is forwarded (order kept per direction), and
 *   `bytesPerSecond`, when set, caps each direction's rate.
 */
export type FaultMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'refuse' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'stall' }
  | { readonly kind: 'slow'; readonly delayMs: number; readonly bytesPerSecond?: number }

/** Which way bytes travel: `up` from the client to the server, `down` back. */
export type Direction = 'up' | 'down'

/** Counters of a {@link FaultProxy}. */
export interface FaultProxyStats {
  /** Connections accepted so far. */
  readonly accepted: number
  /** Connections open now (client side). */
  readonly open: number
  /** Connections reset by `refuse`, `drop()` or `cutAfter()`. */
  readonly reset: number
  /** Bytes forwarded each way. */
  readonly bytesUp: number
  readonly bytesDown: number
}

/** A TCP proxy in front of a server that can refuse, drop, stall or slow its connections on demand. */
export interface FaultProxy {
  readonly host: string
  readonly port: number
  /** The current mode. */
  readonly mode: FaultMode
  /** Changes the mode for new and (for `stall` / `slow` / `pass`) open connections. */
  setMode(mode: FaultMode): void
  /** Resets every open connection now (a TCP RST to both ends): a network cut or a crashed middlebox. */
  drop(): void
  /**
   * Resets a connection once `bytes` more bytes have travelled in `direction` on it (the next
   * connection to reach the count): an interruption in the middle of a statement or a load.
   * Resolves when the cut happened.
   */
  cutAfter(direction: Direction, bytes: number): Promise<void>
  /** Forgets the cuts asked for that have not happened yet (their promises never resolve). */
  clearCuts(): void
  readonly stats: FaultProxyStats
  /** Closes the listener and resets every connection. */
  close(): Promise<void>
}

interface Pair {
  readonly client: Socket
  upstream: Socket | undefined
  readonly queues: Record<Direction, Buffer[]>
  readonly pumping: Record<Direction, boolean>
  closed: boolean
}

interface Cut {
  readonly direction: Direction
  remaining: number
  readonly done: () => void
}

/**
 * Starts a fault proxy on `127.0.0.1` (an ephemeral port unless `port` is given) forwarding to
 * `target`. Point a client at `proxy.host:proxy.port`, then change `proxy.setMode(...)`, `drop()` or
 * `cutAfter(...)` while it works.
 *
 * @example
 * const proxy = await startFaultProxy({ host: server.wire.host, port: server.wire.port })
 * const client = clientAt(proxy.host, proxy.port)
 * proxy.setMode({ kind: 'stall' })   // the server "stops answering"
 * await expect(client.executeQuery(q.timeout(1000))).rejects.toThrow()
 * proxy.setMode({ kind: 'pass' })
 * await proxy.close()
 */
export async function startFaultProxy(
  target: { readonly host: string; readonly port: number },
  options: { readonly port?: number } = {},
): Promise<FaultProxy> {
  let mode: FaultMode = { kind: 'pass' }
  const pairs = new Set<Pair>()
  const cuts: Cut[] = []
  const counters = { accepted: 0, reset: 0, bytesUp: 0, bytesDown: 0 }

  const reset = (pair: Pair): void => {
    if (pair.closed) return
    pair.closed = true
    counters.reset++
    pair.client.resetAndDestroy()
    pair.upstream?.resetAndDestroy()
    pairs.delete(pair)
  }

  const close = (pair: Pair): void => {
    if (pair.closed) return
    pair.closed = true
    pair.client.destroy()
    pair.upstream?.destroy()
    pairs.delete(pair)
  }

  const write = (pair: Pair, direction: Direction, chunk: Buffer): void => {
    const to = direction === 'up' ? pair.upstream : pair.client
    if (pair.closed || to === undefined) return
    // A cut in this direction: forward up to the boundary, then reset.
    const cut = cuts.find((c) => c.direction === direction)
    if (cut !== undefined && chunk.length >= cut.remaining) {
      const head = chunk.subarray(0, cut.remaining)
      cuts.splice(cuts.indexOf(cut), 1)
      if (head.length > 0) to.write(head)
      count(direction, head.length)
      // Let the head reach the peer before the reset, so the cut is really mid-message.
      setImmediate(() => {
        reset(pair)
        cut.done()
      })
      return
    }
    if (cut !== undefined) cut.remaining -= chunk.length
    count(direction, chunk.length)
    const ok = to.write(chunk)
    const from = direction === 'up' ? pair.client : pair.upstream
    if (!ok && from !== undefined) {
      from.pause()
      to.once('drain', () => {
        if (mode.kind !== 'stall') from.resume()
      })
    }
  }

  const count = (direction: Direction, n: number): void => {
    if (direction === 'up') counters.bytesUp += n
    else counters.bytesDown += n
  }

  const pump = async (pair: Pair, direction: Direction): Promise<void> => {
    if (pair.pumping[direction]) return
    pair.pumping[direction] = true
    try {
      const queue = pair.queues[direction]
      while (queue.length > 0 && !pair.closed) {
        const m = mode
        if (m.kind === 'stall') return
        if (direction === 'up' && pair.upstream === undefined) return
        const chunk = queue.shift() as Buffer
        if (m.kind === 'slow') {
          const rateMs = m.bytesPerSecond === undefined ? 0 : (chunk.length / m.bytesPerSecond) * 1000
          await new Promise((r) => setTimeout(r, m.delayMs + rateMs))
        }
        write(pair, direction, chunk)
      }
    } finally {
      pair.pumping[direction] = false
    }
  }

  const onData = (pair: Pair, direction: Direction, chunk: Buffer): void => {
    pair.queues[direction].push(chunk)
    void pump(pair, direction)
  }

  const server: Server = createServer((client) => {
    counters.accepted++
    client.on('error', () => undefined)
    if (mode.kind === 'refuse') {
      counters.reset++
      client.resetAndDestroy()
      return
    }
    const pair: Pair = {
      client,
      upstream: undefined,
      queues: { up: [], down: [] },
      pumping: { up: false, down: false },
      closed: false,
    }
    pairs.add(pair)
    client.on('close', () => close(pair))
    if (mode.kind === 'blackhole') {
      // Read and discard: the peer sees an open connection that never answers.
      client.on('data', () => undefined)
      return
    }
    client.on('data', (chunk: Buffer) => onData(pair, 'up', chunk))
    const upstream = tcpConnect({ host: target.host, port: target.port })
    upstream.setNoDelay(true)
    client.setNoDelay(true)
    upstream.on('error', () => reset(pair))
    upstream.on('close', () => close(pair))
    upstream.on('data', (chunk: Buffer) => onData(pair, 'down', chunk))
    upstream.once('connect', () => {
      pair.upstream = upstream
      void pump(pair, 'up')
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the fault proxy has no TCP address')

  return {
    host: '127.0.0.1',
    port: address.port,
    get mode() {
      return mode
    },
    setMode(next: FaultMode): void {
      mode = next
      if (next.kind === 'stall') return
      for (const pair of pairs) {
        pair.client.resume()
        pair.upstream?.resume()
        void pump(pair, 'up')
        void pump(pair, 'down')
      }
    },
    drop(): void {
      for (const pair of [...pairs]) reset(pair)
    },
    cutAfter(direction: Direction, bytes: number): Promise<void> {
      return new Promise((resolve) => cuts.push({ direction, remaining: Math.max(0, bytes), done: resolve }))
    },
    clearCuts(): void {
      cuts.length = 0
    },
    get stats(): FaultProxyStats {
      return { ...counters, open: pairs.size }
    },
    async close(): Promise<void> {
      for (const pair of [...pairs]) reset(pair)
      const closed = once(server, 'close')
      server.close()
      await closed
    },
  }
}
