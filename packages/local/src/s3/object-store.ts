import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { MetaFiles, type ObjectHeaders, type ObjectMeta } from './object-meta.js'

/** One object of the local store, as a listing returns it. */
export interface ObjectInfo {
  readonly bucket: string
  readonly key: string
  /** `s3://bucket/key`. */
  readonly url: string
  /** Size in bytes. */
  readonly size: number
  readonly lastModified: Date
}

/** An object with what S3 reports about it (ETag, stored headers). */
export interface StoredObject extends ObjectInfo {
  readonly meta: ObjectMeta
}

/** How {@link ObjectStore.write} stores an object. */
export interface WriteOptions {
  /** Headers to keep with the object (a function is called once the body is verified). */
  readonly headers?: ObjectHeaders | (() => ObjectHeaders)
  /** The ETag to record instead of the body's MD5 (a multipart upload's). */
  readonly etag?: string
  /** Part sizes, for an object assembled from a multipart upload. */
  readonly parts?: readonly number[]
  /**
   * Called once the whole body is on disk, before it replaces any previous object: throwing discards
   * the body and leaves the previous object in place (checksum mismatches, conditional writes).
   */
  readonly verify?: (written: { readonly size: number; readonly md5: Buffer }) => void | Promise<void>
}

/** A byte range of an object, both ends included. */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/** A parsed `s3://bucket/key` URL. */
export interface S3Location {
  readonly bucket: string
  readonly key: string
}

/** A missing object (S3's NoSuchKey). */
export class NoSuchKeyError extends Error {
  readonly name = 'NoSuchKeyError' as const
  readonly url: string
  constructor(url: string) {
    super(`the object ${url} does not exist in the local S3 store`)
    this.url = url
  }
}

/** A key the store (a folder) cannot hold next to an existing one: `a` and `a/b` cannot both be objects. */
export class KeyConflictError extends Error {
  readonly name = 'KeyConflictError' as const
}

/** A bucket that still holds objects (S3's BucketNotEmpty). */
export class BucketNotEmptyError extends Error {
  readonly name = 'BucketNotEmptyError' as const
  constructor(bucket: string) {
    super(`the bucket ${bucket} is not empty`)
  }
}

// S3's bucket naming rules, minus the dotted-IP and prefix/suffix special cases.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
/** Temporary files live here while written: bucket names cannot start with a dot, so no bucket collides. */
const TEMP_DIR = '.rk-tmp'
/** S3 keys are at most 1024 bytes of UTF-8; a file name at most 255 bytes. */
const MAX_KEY_BYTES = 1024
const MAX_SEGMENT_BYTES = 255
/** Lets chunks pile up while a write is in flight, so they reach the disk in few large writes. */
export const WRITE_BUFFER = 4 * 1024 * 1024
/** Large reads: fewer trips through the thread pool and the event loop per object. */
const READ_CHUNK = 4 * 1024 * 1024

/**
 * True when `name` follows S3's bucket naming rules (3 to 63 lower-case letters, digits, dots, hyphens).
 *
 * @example
 * isValidBucketName('my-bucket') // true
 */
export function isValidBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..')
}

/**
 * Why the local store cannot hold `key`, or undefined when it can. The store is a folder, so a key is a
 * relative path inside its bucket's folder: segments that are empty, `.` or `..` (an absolute key, a
 * trailing slash, a climb out of the bucket) are refused, as are NUL bytes and over-long names.
 *
 * @example
 * keyProblem('../etc/passwd') // "the S3 key '../etc/passwd' has an empty, '.' or '..' segment, ..."
 */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'an S3 object key cannot be empty'
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `the S3 key is longer than ${MAX_KEY_BYTES} bytes`
  if (key.includes('\0')) return 'an S3 key cannot contain a NUL character in the local store'
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      return `the S3 key '${key}' has an empty, '.' or '..' segment, which the local store (a folder) cannot hold`
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return `the S3 key '${key}' has a part between slashes longer than ${MAX_SEGMENT_BYTES} bytes, which the local store (a folder) cannot hold`
    }
  }
  return undefined
}

/**
 * Splits `s3://bucket/key` into its parts; throws a clear error for anything else.
 *
 * @example
 * parseS3Url('s3://mybucket/data/part-1.csv') // { bucket: 'mybucket', key: 'data/part-1.csv' }
 */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(url)
  if (!m) throw new Error(`'${url}' is not an S3 URL; write it as s3://bucket/key`)
  const bucket = m[1] as string
  assertBucket(bucket)
  return { bucket, key: m[2] ?? '' }
}

function assertBucket(bucket: string): void {
  if (!isValidBucketName(bucket)) {
    throw new Error(
      `'${bucket}' is not a valid S3 bucket name: use 3 to 63 lower-case letters, digits, dots and hyphens`,
    )
  }
}

/** Keys map to paths below the bucket folder, so segments that would climb out or collapse are refused. */
function assertKey(key: string): void {
  const problem = keyProblem(key)
  if (problem !== undefined) throw new Error(problem)
}

/**
 * The local S3: `s3://bucket/key` is the file `<dir>/bucket/key`. Writes are atomic (a temporary file
 * renamed into place), so a reader never sees half an object. One limitation of a folder: a key cannot
 * be both an object and the "folder" of other keys (`a` and `a/b`).
 *
 * @example
 * const store = new ObjectStore('/tmp/s3')
 * await store.put('mybucket', 'data/venue.txt', '1|Toyota Park|Bridgeview|IL|0\n')
 * (await store.list('mybucket', 'data/')).map((o) => o.url) // ['s3://mybucket/data/venue.txt']
 */
export class ObjectStore {
  /** The folder holding one sub-folder per bucket. */
  readonly dir: string
  readonly #meta: MetaFiles

  constructor(dir: string) {
    this.dir = path.resolve(dir)
    this.#meta = new MetaFiles(this.dir)
  }

  /** The file of an object (validated: it never leaves the bucket's folder). */
  path(bucket: string, key: string): string {
    assertBucket(bucket)
    assertKey(key)
    return path.join(this.dir, bucket, ...key.split('/'))
  }

  /** Writes an object (creating its bucket), replacing any previous one. */
  async put(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
    await this.write(bucket, key, Readable.from([typeof body === 'string' ? Buffer.from(body) : body]))
  }

  /** Streams `source` into an object; the object appears only once the stream has ended. */
  async putStream(
    bucket: string,
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
  ): Promise<number> {
    return (await this.write(bucket, key, source)).size
  }

  /**
   * Streams `source` into an object (creating its bucket's folder), with its MD5 as ETag and the given
   * headers; the object replaces any previous one only once the whole body is on disk and verified.
   */
  async write(
    bucket: string,
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<StoredObject> {
    const file = this.path(bucket, key)
    const temp = await this.#tempFile()
    const md5 = createHash('md5')
    let size = 0
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        md5.update(chunk)
        size += chunk.length
        done(null, chunk)
      },
    })
    let digestHex: string
    try {
      await pipeline(source, tap, createWriteStream(temp, { highWaterMark: WRITE_BUFFER }))
      const digest = md5.digest()
      digestHex = digest.toString('hex')
      await options.verify?.({ size, md5: digest })
      await this.#commit(temp, file)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    const s = await stat(file)
    const recorded: ObjectMeta = {
      ...(typeof options.headers === 'function' ? options.headers() : options.headers),
      etag: options.etag ?? digestHex,
      ...(options.parts === undefined ? {} : { parts: options.parts }),
    }
    await this.#meta.write(bucket, key, s.size, s.mtimeMs, recorded)
    return { bucket, key, url: `s3://${bucket}/${key}`, size: s.size, lastModified: s.mtime, meta: recorded }
  }

  /** The whole object. Throws NoSuchKeyError when absent. */
  async get(bucket: string, key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(bucket, key))
    } catch (error) {
      throw missing(error, bucket, key)
    }
  }

  /** The object (or a byte range of it) as a stream; errors with NoSuchKeyError when absent. */
  async open(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    const info = await this.stat(bucket, key)
    if (!info) throw new NoSuchKeyError(`s3://${bucket}/${key}`)
    return createReadStream(this.path(bucket, key), { highWaterMark: READ_CHUNK, ...range })
  }

  /** Size and time of an object, or undefined when there is none. */
  async stat(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.path(bucket, key))
      if (!s.isFile()) return undefined
      return { bucket, key, url: `s3://${bucket}/${key}`, size: s.size, lastModified: s.mtime }
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
      throw error
    }
  }

  /**
   * An object with its ETag and stored headers, or undefined when there is none. A file placed in the
   * folder by other means gets its MD5 computed once (and remembered) as its ETag.
   */
  async describe(bucket: string, key: string): Promise<StoredObject | undefined> {
    const file = this.path(bucket, key)
    let s: import('node:fs').Stats
    try {
      s = await stat(file)
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
      throw error
    }
    if (!s.isFile()) return undefined
    let meta = await this.#meta.read(bucket, key, s.size, s.mtimeMs)
    if (meta === undefined) {
      const md5 = createHash('md5')
      try {
        for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) md5.update(chunk)
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
      meta = { etag: md5.digest('hex') }
      await this.#meta.write(bucket, key, s.size, s.mtimeMs, meta)
    }
    return { bucket, key, url: `s3://${bucket}/${key}`, size: s.size, lastModified: s.mtime, meta }
  }

  /** Deletes an object; true when there was one. Emptied folders are removed, as S3 has no folders. */
  async delete(bucket: string, key: string): Promise<boolean> {
    const file = this.path(bucket, key)
    const existed = (await this.stat(bucket, key)) !== undefined
    await rm(file, { force: true })
    await this.#meta.remove(bucket, key)
    await this.#pruneEmptyFolders(path.dirname(file), path.join(this.dir, bucket))
    return existed
  }

  /** True when the bucket exists (its folder does). */
  async hasBucket(bucket: string): Promise<boolean> {
    return (await this.bucketCreated(bucket)) !== undefined
  }

  /** When the bucket was created, or undefined when there is no such bucket. */
  async bucketCreated(bucket: string): Promise<Date | undefined> {
    assertBucket(bucket)
    try {
      const s = await stat(path.join(this.dir, bucket))
      return s.isDirectory() ? s.birthtime : undefined
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  /** Creates an empty bucket; false when it already existed. */
  async createBucket(bucket: string): Promise<boolean> {
    assertBucket(bucket)
    await mkdir(this.dir, { recursive: true })
    try {
      await mkdir(path.join(this.dir, bucket))
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  }

  /** Deletes an empty bucket; false when there was none, BucketNotEmptyError when it holds objects. */
  async deleteBucket(bucket: string): Promise<boolean> {
    assertBucket(bucket)
    const folder = path.join(this.dir, bucket)
    try {
      await rmdir(folder)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return false
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new BucketNotEmptyError(bucket)
      throw error
    }
    await this.#meta.removeBucket(bucket)
    return true
  }

  /**
   * Every object of `bucket` whose key starts with `prefix`, sorted by key as S3 lists them (binary
   * order of the UTF-8 key). A missing bucket lists nothing.
   */
  async list(bucket: string, prefix = ''): Promise<ObjectInfo[]> {
    assertBucket(bucket)
    const root = path.join(this.dir, bucket)
    // Walk only the folder the prefix is inside of.
    const slash = prefix.lastIndexOf('/')
    const folderKey = slash < 0 ? '' : prefix.slice(0, slash + 1)
    const start = path.join(root, ...folderKey.split('/').filter((s) => s !== ''))
    if (!start.startsWith(root)) return []
    const out: ObjectInfo[] = []
    await this.#walk(start, folderKey, prefix, bucket, out)
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
  }

  /** Every bucket (a folder of the store). */
  async buckets(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true })
      return entries.filter((e) => e.isDirectory() && BUCKET.test(e.name)).map((e) => e.name)
    } catch (error) {
      if (isNotFound(error)) return []
      throw error
    }
  }

  async #walk(dir: string, keyPrefix: string, prefix: string, bucket: string, out: ObjectInfo[]) {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return
      throw error
    }
    for (const entry of entries) {
      const key = keyPrefix + entry.name
      if (entry.isDirectory()) {
        const folder = `${key}/`
        if (folder.startsWith(prefix) || prefix.startsWith(folder))
          await this.#walk(path.join(dir, entry.name), folder, prefix, bucket, out)
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const s = await stat(path.join(dir, entry.name))
        out.push({ bucket, key, url: `s3://${bucket}/${key}`, size: s.size, lastModified: s.mtime })
      }
    }
  }

  async #tempFile(): Promise<string> {
    const dir = path.join(this.dir, TEMP_DIR)
    await mkdir(dir, { recursive: true })
    return path.join(dir, randomBytes(12).toString('hex'))
  }

  async #commit(temp: string, file: string): Promise<void> {
    try {
      await mkdir(path.dirname(file), { recursive: true })
      await rename(temp, file)
    } catch (error) {
      await rm(temp, { force: true })
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
        throw new KeyConflictError(
          `cannot store ${file.slice(this.dir.length + 1)}: the local S3 store is a folder, and a key cannot be both an object and a prefix of other keys`,
        )
      }
      throw error
    }
  }

  async #pruneEmptyFolders(dir: string, stopAt: string): Promise<void> {
    let current = dir
    while (current.startsWith(stopAt) && current !== stopAt) {
      try {
        const entries = await readdir(current)
        if (entries.length > 0) return
        await rmdir(current)
      } catch {
        return
      }
      current = path.dirname(current)
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

function missing(error: unknown, bucket: string, key: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR'
    ? new NoSuchKeyError(`s3://${bucket}/${key}`)
    : error
}
