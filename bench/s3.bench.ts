import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'

const SIZE = 100 * 1024 * 1024
const ROUNDS = 3
const BUCKET = 'redshift-kit-bench-s3'

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await f()
  return (performance.now() - t0) / 1000
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
    for (let round = 0; round < ROUNDS; round++) {
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
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }))
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
        row('PutObject, 100 MB from a file', median(puts)),
        row('GetObject, 100 MB to a file', median(gets)),
      ],
      notes: [
        `Median of ${ROUNDS} alternating rounds. Baseline: \`fs.copyFile\` of the same file in the same folder (page cache warm).`,
        'Put: the AWS SDK v3 streams the file as aws-chunked with its default CRC32 trailer; the server decodes it, computes MD5 (the ETag) and CRC32, writes a temporary file and renames it into place.',
        'Get: the object streamed from the store to a file through the SDK. Client and server share the 2 cores with the other agents, so figures are noisy.',
      ],
    }
  } finally {
    s3.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
