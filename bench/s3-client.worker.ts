/**
 * The client side of the S3 benchmark, on its own thread so that it does not share the server's event
 * loop (a real client is another process): one signed request streaming a file up or down with
 * node:http alone, timed, the seconds posted back.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { pipeline } from 'node:stream/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { signRequest } from '../packages/local/src/aws/sigv4.js'

/** What the benchmark asks of the worker. */
export interface ClientJob {
  readonly endpoint: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly method: 'PUT' | 'GET'
  readonly target: string
  readonly file: string
  readonly size: number
}

async function send(job: ClientJob): Promise<void> {
  const url = new URL(job.endpoint)
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    ...(job.method === 'PUT' ? { 'content-length': String(job.size) } : {}),
  }
  Object.assign(
    headers,
    signRequest(
      {
        method: job.method,
        url: job.target,
        headers,
        body: Buffer.alloc(0),
        payloadHash: 'UNSIGNED-PAYLOAD',
        s3Path: true,
      },
      { ...job, service: 's3' },
    ),
  )
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: job.method, path: job.target, headers },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${job.method} answered ${res.statusCode}`))
        const done =
          job.method === 'GET'
            ? pipeline(res, createWriteStream(job.file, { highWaterMark: 4 << 20 }))
            : pipeline(res, async (s: AsyncIterable<unknown>) => {
                for await (const _ of s) {
                  // The reply of a PUT is empty: drain it.
                }
              })
        done.then(resolve, reject)
      },
    )
    req.on('error', reject)
    if (job.method === 'PUT')
      pipeline(createReadStream(job.file, { highWaterMark: 1 << 20 }), req).catch(reject)
    else req.end()
  })
}

const job = workerData as ClientJob
const t0 = performance.now()
send(job).then(
  () => parentPort?.postMessage({ seconds: (performance.now() - t0) / 1000 }),
  (error: unknown) => parentPort?.postMessage({ error: String(error) }),
)
