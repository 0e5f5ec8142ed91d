/**
 * What S3 keeps about an object besides its bytes (ETag, content headers, user metadata, checksum),
 * stored beside the store in `<dir>/.rk-meta/<bucket>/`. The bytes stay a plain file that COPY reads,
 * so a sidecar is trusted only while the file still has the size and time it recorded: a file
 * rewritten by other means (by hand, by a tool that does not know the sidecar) gets a fresh one.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** The checksum algorithms S3 accepts (`x-amz-checksum-<algorithm>`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

/** A stored checksum: of the whole object, or S3's checksum of the parts' checksums (`value-N`). */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm
  /** Base64, as the `x-amz-checksum-*` headers carry it (composite ones end in `-<parts>`). */
  readonly value: string
  readonly type: 'FULL_OBJECT' | 'COMPOSITE'
}

/** The headers an object was stored with, returned on every GET and HEAD. */
export interface ObjectHeaders {
  readonly contentType?: string
  readonly contentEncoding?: string
  readonly contentDisposition?: string
  readonly contentLanguage?: string
  readonly cacheControl?: string
  readonly expires?: string
  /** `x-amz-meta-*` values by lower-case name (without the prefix). */
  readonly metadata?: Readonly<Record<string, string>>
  readonly checksum?: StoredChecksum
}

/** Everything known about an object besides its bytes. */
export interface ObjectMeta extends ObjectHeaders {
  /** Without quotes: the MD5 in hex, or `<md5 of the parts' md5s>-<parts>` after a multipart upload. */
  readonly etag: string
  /** Sizes of the parts of a multipart upload, in order. */
  readonly parts?: readonly number[]
}

interface Sidecar extends ObjectMeta {
  readonly key: string
  readonly size: number
  readonly mtimeMs: number
}

/** The folder of the sidecars: bucket names cannot start with a dot, so it never collides with a bucket. */
export const META_DIR = '.rk-meta'

/** Reads, writes and removes the sidecars of one store folder. */
export class MetaFiles {
  readonly #dir: string

  constructor(storeDir: string) {
    this.#dir = path.join(storeDir, META_DIR)
  }

  // Hashed names: keys are arbitrary (up to 1024 bytes, any depth), file names are not.
  #file(bucket: string, key: string): string {
    const h = createHash('sha256').update(key).digest('hex')
    return path.join(this.#dir, bucket, h.slice(0, 2), `${h}.json`)
  }

  /** The sidecar of an object whose file has this size and time, or undefined when none matches. */
  async read(bucket: string, key: string, size: number, mtimeMs: number): Promise<ObjectMeta | undefined> {
    let text: string
    try {
      text = await readFile(this.#file(bucket, key), 'utf8')
    } catch {
      return undefined
    }
    try {
      const s = JSON.parse(text) as Sidecar
      if (s.key !== key || s.size !== size || s.mtimeMs !== mtimeMs) return undefined
      const { key: _k, size: _s, mtimeMs: _m, ...meta } = s
      return meta
    } catch {
      return undefined
    }
  }

  /** Records the sidecar of an object whose file now has this size and time (atomically replaced). */
  async write(bucket: string, key: string, size: number, mtimeMs: number, meta: ObjectMeta): Promise<void> {
    const file = this.#file(bucket, key)
    await mkdir(path.dirname(file), { recursive: true })
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`
    const sidecar: Sidecar = { key, size, mtimeMs, ...meta }
    await writeFile(temp, JSON.stringify(sidecar))
    await rename(temp, file)
  }

  async remove(bucket: string, key: string): Promise<void> {
    await rm(this.#file(bucket, key), { force: true })
  }

  /** Removes every sidecar of a bucket (when the bucket is deleted). */
  async removeBucket(bucket: string): Promise<void> {
    await rm(path.join(this.#dir, bucket), { recursive: true, force: true })
  }
}
