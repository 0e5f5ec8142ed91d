import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

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

// S3's bucket naming rules, minus the dotted-IP and prefix/suffix special cases.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
/** Temporary files live here while written: bucket names cannot start with a dot, so no bucket collides. */
const TEMP_DIR = '.rk-tmp'

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
  if (!BUCKET.test(bucket)) {
    throw new Error(
      `'${bucket}' is not a valid S3 bucket name: use 3 to 63 lower-case letters, digits, dots and hyphens`,
    )
  }
}

/** Keys map to paths below the bucket folder, so segments that would climb out or collapse are refused. */
function assertKey(key: string): void {
  if (key === '') throw new Error('an S3 object key cannot be empty')
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new Error(
        `the S3 key '${key}' has an empty, '.' or '..' segment, which the local store (a folder) cannot hold`,
      )
    }
  }
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

  constructor(dir: string) {
    this.dir = path.resolve(dir)
  }

  /** The file of an object (validated: it never leaves the bucket's folder). */
  path(bucket: string, key: string): string {
    assertBucket(bucket)
    assertKey(key)
    return path.join(this.dir, bucket, ...key.split('/'))
  }

  /** Writes an object (creating its bucket), replacing any previous one. */
  async put(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
    const file = this.path(bucket, key)
    const temp = await this.#tempFile()
    await writeFile(temp, body)
    await this.#commit(temp, file)
  }

  /** Streams `source` into an object; the object appears only once the stream has ended. */
  async putStream(
    bucket: string,
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const file = this.path(bucket, key)
    const temp = await this.#tempFile()
    const out = createWriteStream(temp)
    try {
      await pipeline(source, out)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    await this.#commit(temp, file)
    return out.bytesWritten
  }

  /** The whole object. Throws NoSuchKeyError when absent. */
  async get(bucket: string, key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(bucket, key))
    } catch (error) {
      throw missing(error, bucket, key)
    }
  }

  /** The object as a stream (errors with NoSuchKeyError when absent). */
  async open(bucket: string, key: string): Promise<Readable> {
    const info = await this.stat(bucket, key)
    if (!info) throw new NoSuchKeyError(`s3://${bucket}/${key}`)
    return createReadStream(this.path(bucket, key), { highWaterMark: 1 << 20 })
  }

  /** Size and time of an object, or undefined when there is none. */
  async stat(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.path(bucket, key))
      if (!s.isFile()) return undefined
      return { bucket, key, url: `s3://${bucket}/${key}`, size: s.size, lastModified: s.mtime }
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  /** Deletes an object; true when there was one. Emptied folders are removed, as S3 has no folders. */
  async delete(bucket: string, key: string): Promise<boolean> {
    const file = this.path(bucket, key)
    const existed = (await this.stat(bucket, key)) !== undefined
    await rm(file, { force: true })
    await this.#pruneEmptyFolders(path.dirname(file), path.join(this.dir, bucket))
    return existed
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
        throw new Error(
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
