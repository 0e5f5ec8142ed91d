import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

interface Measured {
  readonly rows: number
  readonly bytes: number
  readonly baselineRss: number
  readonly peakRss: number
}

function streamInChildProcess(rows: number, fetchSize: number): Promise<Measured> {
  const script = fileURLToPath(new URL('./fixtures/stream-memory-child.ts', import.meta.url))
  const target = {
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    password: server.password,
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(target), String(rows), String(fetchSize)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim()) as Measured)
      else reject(new Error(`the streaming process exited with ${code}: ${err}`))
    })
  })
}

const MB = 2 ** 20

describe('streaming memory, measured in a process of its own', () => {
  it('streams a result of 300 MB with the process growing by tens of MB at most', async () => {
    const measured = await streamInChildProcess(300_000, 1000)
    expect(measured.rows).toBe(300_000)
    // Every row arrived whole: 1000 x's and the row number.
    expect(measured.bytes).toBeGreaterThan(300_000 * 1000)
    const growth = measured.peakRss - measured.baselineRss
    // The result is 300 MB of text; the process may grow by what
    // a couple of 1000-row batches and V8's young generation take, nothing near the result's size.
    expect(growth).toBeLessThan(64 * MB)
  }, 120_000)
})
