/**
 * Multipart uploads in progress, on disk beside the store (`<dir>/.rk-uploads/<uploadId>/`): the
 * upload's description, and each part as a file with its ETag and checksum. Completing streams the
 * parts, in order, into the object through {@link ObjectStore.write}, so it appears atomically.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ChecksumAlgorithm, ObjectHeaders, StoredChecksum } from '../object-meta.js'
import { type ObjectStore, type StoredObject, WRITE_BUFFER } from '../object-store.js'
import { hasher } from './checksums.js'
import { s3Errors } from './s3-error.js'

/** An upload: where it goes, the headers its object will get, how parts are checksummed. */
export interface Upload {
  readonly uploadId: string
  readonly bucket: string
  readonly key: string
  readonly initiated: string
  readonly headers: ObjectHeaders
  readonly checksumAlgorithm?: ChecksumAlgorithm
  readonly checksumType?: 'FULL_OBJECT' | 'COMPOSITE'
}

/** A stored part. */
export interface Part {
  readonly partNumber: number
  /** Without quotes. */
  readonly etag: string
  readonly size: number
  readonly lastModified: string
  /** Base64, when the upload has a checksum algorithm. */
  readonly checksum?: string
}

/** A part named by CompleteMultipartUpload. */
export interface RequestedPart {
  readonly partNumber: number
  readonly etag: string
  readonly checksum?: string
}

const UPLOADS_DIR = '.rk-uploads'
const UPLOAD_ID = /^[A-Za-z0-9_-]{16,128}$/
/** S3's limits: parts of 5 MiB at least (but the last), 10000 parts at most. */
export const MIN_PART_BYTES = 5 * 1024 * 1024
export const MAX_PARTS = 10_000

/** The uploads of one store. */
export class MultipartStore {
  readonly #store: ObjectStore
  readonly #dir: string

  constructor(store: ObjectStore) {
    this.#store = store
    this.#dir = path.join(store.dir, UPLOADS_DIR)
  }

  async create(
    bucket: string,
    key: string,
    headers: ObjectHeaders,
    checksum: { algorithm?: ChecksumAlgorithm; type?: 'FULL_OBJECT' | 'COMPOSITE' },
  ): Promise<Upload> {
    const uploadId = randomBytes(33).toString('base64url')
    const upload: Upload = {
      uploadId,
      bucket,
      key,
      initiated: new Date().toISOString(),
      headers,
      ...(checksum.algorithm === undefined ? {} : { checksumAlgorithm: checksum.algorithm }),
      ...(checksum.type === undefined ? {} : { checksumType: checksum.type }),
    }
    await mkdir(path.join(this.#dir, uploadId), { recursive: true })
    await writeFile(path.join(this.#dir, uploadId, 'upload.json'), JSON.stringify(upload))
    return upload
  }

  /** The upload of `uploadId` for this bucket and key, or S3's NoSuchUpload. */
  async get(uploadId: string, bucket: string, key: string): Promise<Upload> {
    if (UPLOAD_ID.test(uploadId)) {
      try {
        const upload = JSON.parse(
          await readFile(path.join(this.#dir, uploadId, 'upload.json'), 'utf8'),
        ) as Upload
        if (upload.bucket === bucket && upload.key === key) return upload
      } catch {
        // Not there: NoSuchUpload below.
      }
    }
    throw s3Errors.noSuchUpload(uploadId)
  }

  /** Every upload in progress in a bucket, oldest first. */
  async list(bucket: string): Promise<Upload[]> {
    let ids: string[]
    try {
      ids = await readdir(this.#dir)
    } catch {
      return []
    }
    const out: Upload[] = []
    for (const id of ids) {
      try {
        const u = JSON.parse(await readFile(path.join(this.#dir, id, 'upload.json'), 'utf8')) as Upload
        if (u.bucket === bucket) out.push(u)
      } catch {
        // An upload being aborted right now.
      }
    }
    return out.sort((a, b) => (a.initiated < b.initiated ? -1 : a.initiated > b.initiated ? 1 : 0))
  }

  /**
   * Stores a part (replacing one of the same number); `verify` runs once its bytes are on disk and
   * may refuse them.
   */
  async putPart(
    upload: Upload,
    partNumber: number,
    source: Readable,
    verify: (written: { readonly size: number; readonly md5: Buffer }) => StoredChecksum | undefined,
  ): Promise<Part> {
    const folder = path.join(this.#dir, upload.uploadId)
    const temp = path.join(folder, `${partNumber}.${randomBytes(6).toString('hex')}.tmp`)
    const md5 = createHash('md5')
    let size = 0
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        md5.update(chunk)
        size += chunk.length
        done(null, chunk)
      },
    })
    let part: Part
    try {
      await pipeline(source, tap, createWriteStream(temp, { highWaterMark: WRITE_BUFFER }))
      const digest = md5.digest()
      const checksum = verify({ size, md5: digest })
      part = {
        partNumber,
        etag: digest.toString('hex'),
        size,
        lastModified: new Date().toISOString(),
        ...(checksum === undefined ? {} : { checksum: checksum.value }),
      }
      await rename(temp, path.join(folder, String(partNumber)))
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    await writeFile(path.join(folder, `${partNumber}.json`), JSON.stringify(part))
    return part
  }

  /** The stored parts, by part number. */
  async parts(upload: Upload): Promise<Part[]> {
    const folder = path.join(this.#dir, upload.uploadId)
    const names = (await readdir(folder)).filter((n) => /^\d+\.json$/.test(n))
    const parts: Part[] = []
    for (const name of names) {
      try {
        parts.push(JSON.parse(await readFile(path.join(folder, name), 'utf8')) as Part)
      } catch {
        // A part being replaced right now.
      }
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber)
  }

  /**
   * Assembles the object from the named parts (ascending, each ETag matching, all but the last at least
   * 5 MiB), then removes the upload.
   */
  async complete(
    upload: Upload,
    requested: readonly RequestedPart[],
    fullObjectChecksum: string | undefined,
  ): Promise<StoredObject> {
    if (requested.length === 0) {
      throw s3Errors.malformedXml()
    }
    const stored = new Map((await this.parts(upload)).map((p) => [p.partNumber, p]))
    const chosen: Part[] = []
    let previous = 0
    for (const r of requested) {
      if (r.partNumber <= previous) {
        throw s3Errors.invalidPartOrder()
      }
      previous = r.partNumber
      const part = stored.get(r.partNumber)
      if (part === undefined || part.etag !== r.etag.replace(/"/g, '').trim()) {
        throw s3Errors.invalidPart()
      }
      if (r.checksum !== undefined && part.checksum !== undefined && r.checksum !== part.checksum) {
        throw s3Errors.invalidPart()
      }
      chosen.push(part)
    }
    if (chosen.slice(0, -1).some((p) => p.size < MIN_PART_BYTES)) throw s3Errors.entityTooSmall()
    const etagMd5 = createHash('md5')
    for (const p of chosen) etagMd5.update(Buffer.from(p.etag, 'hex'))
    const etag = `${etagMd5.digest('hex')}-${chosen.length}`
    const algorithm = upload.checksumAlgorithm
    const composite = algorithm !== undefined && upload.checksumType !== 'FULL_OBJECT'
    let checksum: StoredChecksum | undefined
    if (algorithm !== undefined && composite && chosen.every((p) => p.checksum !== undefined)) {
      const h = hasher(algorithm)
      for (const p of chosen) h.update(Buffer.from(p.checksum as string, 'base64'))
      checksum = { algorithm, value: `${h.digest().toString('base64')}-${chosen.length}`, type: 'COMPOSITE' }
    }
    const whole = algorithm !== undefined && !composite ? hasher(algorithm) : undefined
    const folder = path.join(this.#dir, upload.uploadId)
    async function* concatenated(): AsyncGenerator<Buffer> {
      for (const p of chosen) {
        for await (const chunk of createReadStream(path.join(folder, String(p.partNumber)), {
          highWaterMark: 1 << 20,
        })) {
          whole?.update(chunk as Buffer)
          yield chunk as Buffer
        }
      }
    }
    const object = await this.#store.write(upload.bucket, upload.key, concatenated(), {
      etag,
      parts: chosen.map((p) => p.size),
      verify: () => {
        if (whole !== undefined && algorithm !== undefined) {
          const value = whole.digest().toString('base64')
          if (fullObjectChecksum !== undefined && fullObjectChecksum !== value) {
            throw s3Errors.checksumMismatch(algorithm)
          }
          checksum = { algorithm, value, type: 'FULL_OBJECT' }
        }
      },
      headers: () => ({ ...upload.headers, ...(checksum === undefined ? {} : { checksum }) }),
    })
    await this.abort(upload)
    return object
  }

  /** Removes an upload and its parts. */
  async abort(upload: Upload): Promise<void> {
    await rm(path.join(this.#dir, upload.uploadId), { recursive: true, force: true })
  }
}
