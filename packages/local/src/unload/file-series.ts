import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import type { ObjectStore } from '../s3/index.js'
import { COMPRESSION_EXTENSIONS, compressChunk, type OutputCompression } from './compress.js'
import { ParquetFile } from './parquet-output.js'
import type { OutputColumn } from './query-source.js'

/** A file an UNLOAD wrote. */
export interface WrittenFile {
  readonly url: string
  readonly bucket: string
  readonly key: string
  readonly bytes: number
  /** Records (with HEADER, the header line counts, as MANIFEST VERBOSE counts it). */
  readonly rows: number
  readonly startTime: Date
  readonly endTime: Date
}

/** How the files of one series are named and cut. */
export interface SeriesOptions {
  readonly store: ObjectStore
  readonly bucket: string
  /** Key prefix the names extend: the TO prefix, or a partition folder (`prefix/col=v/`). */
  readonly base: string
  readonly parallel: boolean
  readonly compression: OutputCompression
  /** EXTENSION as given (without a leading dot), or null. */
  readonly extension: string | null
  readonly parquet: boolean
  readonly maxFileSize: number
  readonly header: string
  readonly columns: readonly OutputColumn[]
  /** Called before the first file of the series is written (CLEANPATH of a partition folder). */
  readonly beforeFirstFile?: () => Promise<void>
}

const MB32 = 32 * 1024 * 1024

interface OpenText {
  readonly key: string
  readonly out: PassThrough
  readonly stored: Promise<number>
  bytes: number
  rows: number
  readonly startTime: Date
}

/**
 * The files UNLOAD writes for one target (or one partition): named as Redshift names them
 * (`<prefix>0000_part_00` with PARALLEL ON, one slice here; `<prefix>000` with PARALLEL OFF), a new
 * file started once MAXFILESIZE is reached, compressed chunk by chunk, streamed into the store.
 */
export class FileSeries {
  readonly #o: SeriesOptions
  readonly files: WrittenFile[] = []
  #index = 0
  #text: OpenText | undefined
  #parquet: { file: ParquetFile; key: string; startTime: Date } | undefined
  #started = false

  constructor(options: SeriesOptions) {
    this.#o = options
  }

  #nextKey(): string {
    const o = this.#o
    const n = this.#index++
    const name = o.parallel ? `0000_part_${String(n).padStart(2, '0')}` : String(n).padStart(3, '0')
    let ext = o.parquet ? '.parquet' : ''
    if (o.extension !== null) ext = `.${o.extension}`
    else ext += COMPRESSION_EXTENSIONS[o.compression]
    return `${o.base}${name}${ext}`
  }

  async #start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    await this.#o.beforeFirstFile?.()
  }

  /** Appends encoded text of `rows` records (rolling to a new file past MAXFILESIZE). */
  async writeText(text: string, rows: number): Promise<void> {
    await this.#start()
    let file = this.#text
    if (file === undefined) {
      const key = this.#nextKey()
      const out = new PassThrough()
      file = {
        key,
        out,
        stored: this.#o.store.putStream(this.#o.bucket, key, out),
        bytes: 0,
        rows: 0,
        startTime: new Date(),
      }
      // A failed store write surfaces at close; keep it from being an unhandled rejection meanwhile.
      file.stored.catch(() => undefined)
      this.#text = file
      if (this.#o.header !== '') await this.#append(file, this.#o.header, 1)
    }
    if (text !== '') await this.#append(file, text, rows)
    if (file.bytes >= this.#o.maxFileSize) await this.#closeText()
  }

  async #append(file: OpenText, text: string, rows: number): Promise<void> {
    const chunk = await compressChunk(this.#o.compression, Buffer.from(text, 'utf8'))
    file.bytes += chunk.length
    file.rows += rows
    if (!file.out.write(chunk)) await once(file.out, 'drain')
  }

  async #closeText(): Promise<void> {
    const file = this.#text
    if (file === undefined) return
    this.#text = undefined
    file.out.end()
    const bytes = await file.stored
    this.#record(file.key, bytes, file.rows, file.startTime)
  }

  /** Appends rows to the current Parquet file (rolling past MAXFILESIZE, rounded down to 32 MB). */
  async writeParquet(rows: readonly (readonly (string | null)[])[]): Promise<void> {
    await this.#start()
    this.#parquet ??= { file: new ParquetFile(this.#o.columns), key: this.#nextKey(), startTime: new Date() }
    await this.#parquet.file.write(rows)
    const limit = Math.max(MB32, Math.floor(this.#o.maxFileSize / MB32) * MB32)
    if (this.#parquet.file.size >= limit) await this.#closeParquet()
  }

  async #closeParquet(): Promise<void> {
    const p = this.#parquet
    if (p === undefined) return
    this.#parquet = undefined
    const body = await p.file.finish()
    await this.#o.store.put(this.#o.bucket, p.key, body)
    this.#record(p.key, body.length, p.file.rows, p.startTime)
  }

  #record(key: string, bytes: number, rows: number, startTime: Date): void {
    const { bucket } = this.#o
    this.files.push({
      url: `s3://${bucket}/${key}`,
      bucket,
      key,
      bytes,
      rows,
      startTime,
      endTime: new Date(),
    })
  }

  /** Ends the open file; `ensureOne` writes an (empty) file when none was, as an UNLOAD of no rows does. */
  async close(ensureOne: boolean): Promise<void> {
    if (ensureOne && this.files.length === 0 && this.#text === undefined && this.#parquet === undefined) {
      if (this.#o.parquet) await this.writeParquet([])
      else await this.writeText('', 0)
    }
    await this.#closeText()
    await this.#closeParquet()
  }

  /** Ends an open file after a failure (its partial object is then deleted by the caller). */
  async abort(): Promise<string[]> {
    const keys: string[] = this.files.map((f) => f.key)
    if (this.#text !== undefined) {
      keys.push(this.#text.key)
      this.#text.out.end()
      await this.#text.stored.catch(() => undefined)
      this.#text = undefined
    }
    this.#parquet = undefined
    return keys
  }
}
