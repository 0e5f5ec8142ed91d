import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { createGunzip, createGzip, type Gzip } from 'node:zlib'
import type { RecordScanner } from './record-scanner.js'

/** A part of a delimited file, gzip-compressed, with where it starts in the file (for load errors). */
export interface FilePart {
  readonly body: Uint8Array
  /** Physical lines of the file before this part's first line. */
  readonly linesBefore: number
  readonly records: number
}

/** What {@link splitFile} reports of the file before cutting it. */
export interface FileHead {
  /** The first record's bytes (CSV header), when asked for. */
  readonly header?: string
  /** The first byte that is not whitespace (a JSON array file starts with '['). */
  readonly firstByte?: number
}

export interface SplitOptions {
  readonly path: string
  readonly gzipped: boolean
  readonly scanner: RecordScanner
  /** Take the first record off as a header. */
  readonly header: boolean
  /** Raw bytes per part before compression. */
  readonly partBytes: number
  readonly signal?: AbortSignal
  /** Called once the head is known, before any part: may throw to stop (bad header, wrong format). */
  readonly onHead: (head: FileHead) => void
  /** Receives each part in order; awaited, so a slow upload slows the reading (bounded memory). */
  readonly onPart: (part: FilePart) => Promise<void>
  /** Records read so far, as the file is read. */
  readonly onRecords?: (records: number) => void
}

class PartWriter {
  readonly #gzip: Gzip = createGzip({ level: 6 })
  readonly #out: Buffer[] = []
  readonly #done: Promise<void>
  bytes = 0
  readonly linesBefore: number
  readonly recordsBefore: number

  constructor(linesBefore: number, recordsBefore: number) {
    this.linesBefore = linesBefore
    this.recordsBefore = recordsBefore
    this.#gzip.on('data', (c: Buffer) => this.#out.push(c))
    this.#done = new Promise((resolve, reject) => {
      this.#gzip.on('end', resolve)
      this.#gzip.on('error', reject)
    })
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return
    this.bytes += bytes.length
    if (!this.#gzip.write(bytes)) await new Promise((resolve) => this.#gzip.once('drain', resolve))
  }

  async finish(): Promise<Uint8Array> {
    this.#gzip.end()
    await this.#done
    return Buffer.concat(this.#out)
  }
}

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d

/**
 * Reads a CSV or JSON file as a stream (decompressing `.gz`), cuts it at record boundaries into parts
 * of about `partBytes`, and hands each part, gzip-compressed, to `onPart`. Memory holds the part being
 * compressed (its compressed bytes) and one read chunk, whatever the file's size.
 */
export async function splitFile(options: SplitOptions): Promise<void> {
  const { scanner } = options
  const file = createReadStream(options.path, {
    highWaterMark: 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const input: Readable = options.gzipped ? file.pipe(createGunzip()) : file
  if (options.gzipped) file.on('error', (e) => input.destroy(e))
  let part = new PartWriter(0, 0)
  let first = true
  let headPending: Buffer | undefined = options.header ? Buffer.alloc(0) : undefined
  let headReported = false
  // The header is not a record of the data.
  let base = 0
  const finishPart = async (next: PartWriter) => {
    const done = part
    part = next
    const body = await done.finish()
    const records = scanner.records - done.recordsBefore
    if (done.bytes > 0 && records > 0) await options.onPart({ body, linesBefore: done.linesBefore, records })
  }
  try {
    for await (const raw of input as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted()
      let chunk: Buffer = raw
      if (first) {
        first = false
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3)
      }
      if (headPending !== undefined) {
        // The header: everything up to the first record boundary (it may span chunks).
        const end = scanner.next(chunk, 0)
        if (end === -1) {
          headPending = Buffer.concat([headPending, chunk])
          if (headPending.length > 1024 * 1024) throw new RangeError('the header line is longer than 1 MB')
          continue
        }
        const header = Buffer.concat([headPending, chunk.subarray(0, end)]).toString('utf8')
        headPending = undefined
        headReported = true
        options.onHead({ header: header.replace(/\r?\n$/, '') })
        base = scanner.records
        part = new PartWriter(scanner.lines, scanner.records)
        chunk = chunk.subarray(end)
      } else if (!headReported) {
        const at = chunk.findIndex((b) => !isSpace(b))
        if (at !== -1) {
          headReported = true
          options.onHead({ firstByte: chunk[at] as number })
        }
      }
      let cut = -1
      let linesAtCut = 0
      let recordsAtCut = 0
      for (let at = scanner.next(chunk, 0); at !== -1; at = scanner.next(chunk, at)) {
        cut = at
        linesAtCut = scanner.lines
        recordsAtCut = scanner.records
      }
      options.onRecords?.(scanner.records - base)
      if (cut !== -1 && part.bytes + chunk.length >= options.partBytes) {
        await part.write(chunk.subarray(0, cut))
        // The part ends at the cut: its records are those counted up to there.
        const done = part
        const next = new PartWriter(linesAtCut, recordsAtCut)
        part = next
        const body = await done.finish()
        const records = recordsAtCut - done.recordsBefore
        if (records > 0) await options.onPart({ body, linesBefore: done.linesBefore, records })
        await part.write(chunk.subarray(cut))
      } else await part.write(chunk)
    }
    if (headPending !== undefined && headPending.length > 0) {
      headReported = true
      options.onHead({ header: headPending.toString('utf8').replace(/\r?\n$/, '') })
    }
    if (!headReported) options.onHead({})
    scanner.end()
    options.onRecords?.(scanner.records - base)
    await finishPart(new PartWriter(scanner.lines, scanner.records))
  } finally {
    file.destroy()
    input.destroy()
  }
}
