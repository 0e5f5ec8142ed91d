import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { RedshiftConfigData } from '../../config/resolve-config.js'
import { loadS3, loadS3Storage, safeAwsError, sdkClientConfig } from '../../credentials/aws-sdk.js'
import { ValidationError } from '../../errors/client-errors.js'
import { RedshiftError } from '../../errors/redshift-error.js'
import { onAbort } from '../../transport/abort-hub.js'
import { parseS3Url } from '../s3-location.js'

type S3Module = Awaited<ReturnType<typeof loadS3>>
type S3Client = InstanceType<S3Module['S3Client']>

/** Makes the error an S3 failure is reported as. */
export type StagingFailure = (message: string, cause: Error) => RedshiftError

/** An object staged under the run's prefix. */
export interface StagedObject {
  readonly key: string
  readonly url: string
  readonly bytes: number
}

/** Where staged files go: `s3://bucket/prefix/`, as the caller's `staging` option names it. */
export function parseStaging(staging: string): { bucket: string; prefix: string } {
  const location = parseS3Url(staging)
  if (!location || location.bucket === '')
    throw new ValidationError(
      `staging must be an s3:// URL such as s3://my-bucket/tmp/, not ${JSON.stringify(staging)}`,
      {
        problems: [{ field: 'staging', message: 'expected s3://bucket/prefix/' }],
      },
    )
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`
  return { bucket: location.bucket, prefix }
}

/**
 * An endpoint on an IP address or `localhost` cannot take virtual-hosted bucket names
 * (`bucket.127.0.0.1`): such endpoints (a local S3, a VPC endpoint by IP) are addressed path-style.
 */
function needsPathStyle(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false
  try {
    const host = new URL(endpoint).hostname
    return host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[')
  } catch {
    return false
  }
}

/**
 * The S3 side of data movement: one run's objects under a unique prefix of the staging location,
 * written with `@aws-sdk/client-s3` (multipart through `@aws-sdk/lib-storage` for large bodies) and
 * removed at the end, on failure and on abort alike. The same code runs against real S3.
 */
export class S3Staging {
  readonly bucket: string
  /** This run's prefix: `<staging prefix>redshift-kit-<time>-<random>/`. */
  readonly prefix: string
  readonly #client: S3Client
  readonly #sdk: S3Module
  readonly #written = new Set<string>()
  readonly #fail: StagingFailure

  private constructor(sdk: S3Module, client: S3Client, bucket: string, prefix: string, fail: StagingFailure) {
    this.#sdk = sdk
    this.#client = client
    this.bucket = bucket
    this.prefix = prefix
    this.#fail = fail
  }

  /**
   * Opens a run under `staging` (`s3://bucket/prefix/`); S3 failures become the error `fail` makes
   * (LoadFailedError for loads, UnloadFailedError for unloads), with the SDK error, made safe, as cause.
   */
  static async open(config: RedshiftConfigData, staging: string, fail: StagingFailure): Promise<S3Staging> {
    const { bucket, prefix } = parseStaging(staging)
    const sdk = await loadS3()
    const base = await sdkClientConfig(config)
    const client = new sdk.S3Client({
      ...base,
      // The SDK also takes its endpoint from AWS_ENDPOINT_URL(_S3): a local S3 named there is path-style too.
      ...(needsPathStyle(base.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL)
        ? { forcePathStyle: true }
        : {}),
    })
    const run = `${prefix}redshift-kit-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`
    return new S3Staging(sdk, client, bucket, run, fail)
  }

  url(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  /** Uploads a body (a buffer in one PUT; a stream as a multipart upload) under this run's prefix. */
  async put(name: string, body: Uint8Array | Readable, signal?: AbortSignal): Promise<StagedObject> {
    const key = `${this.prefix}${name}`
    this.#written.add(key)
    try {
      if (body instanceof Uint8Array) {
        await this.#client.send(
          new this.#sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }),
          signal ? { abortSignal: signal } : {},
        )
        return { key, url: this.url(key), bytes: body.byteLength }
      }
      const { Upload } = await loadS3Storage()
      let bytes = 0
      const upload = new Upload({
        client: this.#client,
        params: { Bucket: this.bucket, Key: key, Body: body },
        queueSize: 4,
        partSize: 8 * 1024 * 1024,
        ...(signal ? { abortController: abortControllerFor(signal) } : {}),
      })
      upload.on('httpUploadProgress', (p) => {
        bytes = Math.max(bytes, p.loaded ?? 0)
      })
      await upload.done()
      return { key, url: this.url(key), bytes }
    } catch (error) {
      // An abort is the caller's, not an S3 failure: it surfaces as the signal's reason.
      if (signal?.aborted) throw signal.reason
      throw this.#error(`cannot write ${this.url(key)}`, error)
    }
  }

  /**
   * A file read by byte ranges (what hyparquet calls an AsyncBuffer): its size from one HEAD, then
   * only the ranges asked for, so a reader holds one window of the file, not the whole object. With
   * `window`, each GET reads at least that many bytes from where it starts, and ranges that fall in
   * the last bytes read are served from them: a run of small reads costs one request.
   */
  async ranged(
    key: string,
    signal?: AbortSignal,
    window = 0,
  ): Promise<{ byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> }> {
    const call = signal ? { abortSignal: signal } : {}
    const get = async (start: number, end: number): Promise<Uint8Array> => {
      try {
        const out = await this.#client.send(
          new this.#sdk.GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Range: `bytes=${start}-${end - 1}`,
          }),
          call,
        )
        return await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        throw this.#error(`cannot read ${this.url(key)}`, error)
      }
    }
    let head: { ContentLength?: number | undefined }
    try {
      head = await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }), call)
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      throw this.#error(`cannot read ${this.url(key)}`, error)
    }
    const byteLength = Number(head.ContentLength ?? 0)
    let held: { start: number; bytes: Uint8Array } | undefined
    return {
      byteLength,
      slice: async (start: number, end = byteLength) => {
        if (held === undefined || start < held.start || end > held.start + held.bytes.byteLength) {
          const bytes = await get(start, Math.min(byteLength, Math.max(end, start + window)))
          held = { start, bytes }
        }
        const from = held.bytes.byteOffset + (start - held.start)
        // A copy: hyparquet keeps what it is given, the window moves on.
        return held.bytes.buffer.slice(from, from + (end - start)) as ArrayBuffer
      },
    }
  }

  #error(message: string, error: unknown): RedshiftError {
    if (error instanceof RedshiftError) return error
    const safe = safeAwsError(error)
    return this.#fail(`${message}: ${safe.message}`, safe)
  }

  /** Keys under this run's prefix (for files another statement wrote there, as UNLOAD does). */
  async list(): Promise<string[]> {
    const keys: string[] = []
    let token: string | undefined
    do {
      const out = await this.#client.send(
        new this.#sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix,
          ContinuationToken: token,
        }),
      )
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key)
      token = out.IsTruncated ? out.NextContinuationToken : undefined
    } while (token)
    return keys
  }

  /** Removes everything under this run's prefix; never throws (it runs in `finally` blocks). */
  async cleanUp(): Promise<void> {
    try {
      const keys = new Set([...this.#written, ...(await this.list())])
      const all = [...keys]
      for (let i = 0; i < all.length; i += 1000) {
        await this.#client.send(
          new this.#sdk.DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: all.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        )
      }
    } catch {
      // Best effort: a lifecycle rule on the staging prefix is the backstop.
    } finally {
      this.#client.destroy()
    }
  }
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController()
  if (signal.aborted) controller.abort()
  else onAbort(signal, () => controller.abort())
  return controller
}
