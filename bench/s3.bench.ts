import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Worker } from 'node:worker_threads'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'
import type { ClientJob } from './s3-client.worker.js'

const SIZE = 100 * 1024 * 1024
const ROUNDS = 3
const BUCKET = 'redshift-kit-bench-s3'

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await f()
  return (performance.now() - t0) / 1000
}

/** Times one plain signed request on a worker thread (see s3-client.worker.ts). */
function plainRequest(
  redshift: LocalRedshift,
  method: 'PUT' | 'GET',
  key: string,
  file: string,
  endpoint?: string,
): Promise<number> {
  const aws = redshift.aws as NonNullable<LocalRedshift['aws']>
  const job: ClientJob = {
    endpoint: endpoint ?? aws.endpoint,
    region: aws.region,
    accessKeyId: aws.accessKeyId,
    secretAccessKey: aws.secretAccessKey,
    method,
    target: `/${BUCKET}/${key}`,
    file,
    size: SIZE,
  }
  // The worker is TypeScript too: it registers tsx's loader, then imports its module.
  const module = new URL('./s3-client.worker.ts', import.meta.url).href
  const worker = new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}) })`,
    { eval: true, workerData: job },
  )
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { seconds?: number; error?: string }) => {
      void worker.terminate()
      if (m.seconds === undefined) reject(new Error(m.error))
      else resolve(m.seconds)
    })
    worker.once('error', reject)
  })
}

/**
 * The floor of any HTTP object store in Node on this machine: a bare node:http server that streams
 * the body to a file on PUT and a file to the socket on GET, with no S3 logic (no signature check,
 * no MD5, no temporary file). The same worker client talks to it.
 */
async function bareServer(dir: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const file = path.join(dir, 'bare.bin')
    if (req.method === 'PUT') {
      pipeline(req, createWriteStream(file, { highWaterMark: 4 << 20 })).then(
        () => res.end(),
        () => res.destroy(),
      )
    } else {
      res.writeHead(200, { 'content-length': String(SIZE) })
      pipeline(createReadStream(file, { highWaterMark: 4 << 20 }), res).catch(() => res.destroy())
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/**
 * A 100 MB object put and got through the S3 REST API (the AWS SDK v3, its default CRC32 checksum,
 * streamed from and to a file), against copying the same file on disk (`fs.copyFile`), in alternating
 * rounds of one run.
 */
export async function s3Bench(redshift: LocalRedshift): Promise<BenchReport> {
  const aws = redshift.aws
  if (aws === undefined) throw new Error('the S3 benchmark needs the AWS endpoint')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rk-bench-s3-'))
  const source = path.join(dir, 'source.bin')
  await writeFile(source, randomBytes(SIZE))
  const s3 = new S3Client({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    forcePathStyle: true,
  })
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
    const copies: number[] = []
    const puts: number[] = []
    const gets: number[] = []
    const plainPuts: number[] = []
    const plainGets: number[] = []
    const barePuts: number[] = []
    const bareGets: number[] = []
    const bare = await bareServer(dir)
    for (let round = 0; round < ROUNDS; round++) {
      barePuts.push(await plainRequest(redshift, 'PUT', 'bare.bin', source, bare.endpoint))
      bareGets.push(
        await plainRequest(redshift, 'GET', 'bare.bin', path.join(dir, `bare-${round}.bin`), bare.endpoint),
      )
      await rm(path.join(dir, `bare-${round}.bin`))
      plainPuts.push(await plainRequest(redshift, 'PUT', 'plain.bin', source))
      plainGets.push(await plainRequest(redshift, 'GET', 'plain.bin', path.join(dir, `plain-${round}.bin`)))
      await rm(path.join(dir, `plain-${round}.bin`))
      copies.push(await seconds(() => copyFile(source, path.join(dir, `copy-${round}.bin`))))
      puts.push(
        await seconds(() =>
          s3.send(
            new PutObjectCommand({
              Bucket: BUCKET,
              Key: 'big.bin',
              Body: createReadStream(source, { highWaterMark: 1 << 20 }),
              ContentLength: SIZE,
            }),
          ),
        ),
      )
      gets.push(
        await seconds(async () => {
          const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }))
          await pipeline(r.Body as Readable, createWriteStream(path.join(dir, `got-${round}.bin`)))
        }),
      )
      await rm(path.join(dir, `copy-${round}.bin`))
      await rm(path.join(dir, `got-${round}.bin`))
    }
    await bare.close()
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }))
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'plain.bin' }))
    const mb = SIZE / 2 ** 20
    const copy = median(copies)
    const rate = (s: number) => `${(mb / s).toFixed(0)} MB/s`
    const row = (measure: string, t: number) => ({
      measure,
      ours: `${rate(t)} (${(t * 1000).toFixed(0)} ms)`,
      baseline: `${rate(copy)} (${(copy * 1000).toFixed(0)} ms)`,
      ratio: copy / t,
      goal: '>= 0.5x',
      met: copy / t >= 0.5,
    })
    return {
      title: 'S3 REST: a 100 MB object put and got, against copying the file on disk',
      rows: [
        row(
          'PutObject, 100 MB from a file (node:http client on a worker thread, UNSIGNED-PAYLOAD)',
          median(plainPuts),
        ),
        row('GetObject, 100 MB to a file (node:http client on a worker thread)', median(plainGets)),
        row('PutObject, 100 MB from a file (AWS SDK v3, default CRC32 trailer)', median(puts)),
        row('GetObject, 100 MB to a file (AWS SDK v3, CRC32 validated)', median(gets)),
        {
          measure:
            'PutObject (node:http rows above) against a bare node:http server streaming the body to a file',
          ours: rate(median(plainPuts)),
          baseline: rate(median(barePuts)),
          ratio: median(barePuts) / median(plainPuts),
          goal: '(informative)',
          met: true,
        },
        {
          measure: 'GetObject (node:http rows above) against a bare node:http server streaming the file',
          ours: rate(median(plainGets)),
          baseline: rate(median(bareGets)),
          ratio: median(bareGets) / median(plainGets),
          goal: '(informative)',
          met: true,
        },
      ],
      notes: [
        `Median of ${ROUNDS} alternating rounds. Baseline: \`fs.copyFile\` of the same file in the same folder (page cache warm).`,
        'node:http rows: a signed request, on a worker thread (a client is another process; it must not share the event loop of the server), streams the file with no client-side hashing, so they show what the server costs (MD5 for the ETag, a temporary file renamed into place; a streamed read).',
        'SDK rows (client in the process of the server): the AWS SDK v3 with its defaults streams the upload as aws-chunked with a CRC32 trailer (the server decodes it and checks the CRC32 as well) and checks the CRC32 of the download in JavaScript; that client work runs on the same 2 cores.',
        'Bare rows: the same client against a node:http server with no S3 logic at all; that is what any HTTP object store in Node reaches here, and it is itself below 0.5x of `fs.copyFile`, which copies inside the kernel once where an HTTP transfer copies the bytes four times (file to server, server to socket, socket to client, client to file).',
        'Client and server share 2 cores with other work on this machine, so figures are noisy.',
      ],
    }
  } finally {
    s3.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
