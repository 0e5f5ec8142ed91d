import { once } from 'node:events'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultProxy, startFaultProxy } from './fault-proxy.js'

// The proxy itself, against an echo server: each mode does what it says.

let echo: Server
let echoPort = 0

beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => undefined)
    s.pipe(s)
  })
  echo.listen(0, '127.0.0.1')
  await once(echo, 'listening')
  const a = echo.address()
  echoPort = typeof a === 'object' && a !== null ? a.port : 0
})

afterAll(async () => {
  echo.close()
})

async function open(proxy: FaultProxy): Promise<Socket> {
  const s = tcpConnect({ host: proxy.host, port: proxy.port })
  s.on('error', () => undefined)
  await once(s, 'connect')
  return s
}

// `once(s, 'close')` would reject on the reset's 'error' event: only the close matters here.
function closeOf(s: Socket): Promise<void> {
  return new Promise((resolve) => s.once('close', () => resolve()))
}

function read(s: Socket, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = ''
    const onData = (d: Buffer) => {
      got += d.toString()
      if (got.length >= bytes) {
        s.off('data', onData)
        resolve(got)
      }
    }
    s.on('data', onData)
    s.once('close', () => reject(new Error(`closed after ${JSON.stringify(got)}`)))
  })
}

describe('fault proxy', () => {
  it('passes bytes both ways, and counts them', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    const s = await open(proxy)
    s.write('hello')
    expect(await read(s, 5)).toBe('hello')
    expect(proxy.stats.bytesUp).toBe(5)
    expect(proxy.stats.bytesDown).toBe(5)
    s.destroy()
    await proxy.close()
  })

  it('refuse resets new connections; existing ones keep working', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    const before = await open(proxy)
    proxy.setMode({ kind: 'refuse' })
    const s = tcpConnect({ host: proxy.host, port: proxy.port })
    const [err] = await Promise.race([once(s, 'error'), once(s, 'close').then(() => [undefined])])
    expect(err === undefined || (err as NodeJS.ErrnoException).code === 'ECONNRESET').toBe(true)
    before.write('x')
    expect(await read(before, 1)).toBe('x')
    before.destroy()
    await proxy.close()
  })

  it('stall holds bytes until the mode changes, then delivers them in order', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    const s = await open(proxy)
    proxy.setMode({ kind: 'stall' })
    let got = ''
    s.on('data', (d: Buffer) => {
      got += d.toString()
    })
    s.write('ab')
    s.write('cd')
    // Give the bytes every chance to leak through.
    await new Promise((r) => setTimeout(r, 100))
    expect(got).toBe('')
    proxy.setMode({ kind: 'pass' })
    await expect.poll(() => got).toBe('abcd')
    s.destroy()
    await proxy.close()
  })

  it('slow delays each chunk by at least delayMs', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    proxy.setMode({ kind: 'slow', delayMs: 60 })
    const s = await open(proxy)
    const t0 = performance.now()
    s.write('z')
    expect(await read(s, 1)).toBe('z')
    // Up and down each wait once.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110)
    s.destroy()
    await proxy.close()
  })

  it('blackhole accepts and never answers', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    proxy.setMode({ kind: 'blackhole' })
    const s = await open(proxy)
    let got = ''
    s.on('data', (d: Buffer) => {
      got += d.toString()
    })
    s.write('ping')
    await new Promise((r) => setTimeout(r, 100))
    expect(got).toBe('')
    expect(proxy.stats.open).toBe(1)
    s.destroy()
    await proxy.close()
  })

  it('drop resets every open connection', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    const a = await open(proxy)
    const b = await open(proxy)
    await expect.poll(() => proxy.stats.open).toBe(2)
    const closed = Promise.all([closeOf(a), closeOf(b)])
    proxy.drop()
    await closed
    expect(proxy.stats.open).toBe(0)
    expect(proxy.stats.reset).toBe(2)
    await proxy.close()
  })

  it('cutAfter resets the connection after exactly that many bytes', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort })
    const s = await open(proxy)
    let got = ''
    s.on('data', (d: Buffer) => {
      got += d.toString()
    })
    const cut = proxy.cutAfter('down', 3)
    s.write('abcdef')
    const closed = closeOf(s)
    await cut
    await closed
    expect(got).toBe('abc')
    await proxy.close()
  })
})
