/**
 * The `aws-chunked` content encoding of S3 uploads: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`
 * repeated, a zero-size chunk, then optional trailing headers (`x-amz-checksum-crc32:...`, and
 * `x-amz-trailer-signature` when signed). Decoded as it streams; each chunk's signature (chained from
 * the request's seed signature) is checked as the chunk ends.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import type { ChunkSigning } from './s3-auth.js'
import { type S3Error, s3Errors } from './s3-error.js'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const MAX_LINE = 4096
const MAX_TRAILERS = 16

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done'

function malformed(message: string): S3Error {
  return s3Errors.invalidRequest(`Malformed aws-chunked body: ${message}`)
}

/**
 * Decodes an aws-chunked body; `trailers` holds the trailing headers once the stream has ended.
 *
 * @example
 * pipeline(req, new AwsChunkedDecoder({ trailer: true }), file)
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers by lower-case name, complete after 'end'. */
  readonly trailers = new Map<string, string>()
  readonly #signing: ChunkSigning | undefined
  readonly #expectTrailer: boolean
  #state: State = 'size'
  #line = Buffer.alloc(0)
  #remaining = 0
  #chunkSignature = ''
  #previous: string
  #chunkHash: ReturnType<typeof createHash> | undefined
  #decoded = 0

  constructor(options: { readonly signing?: ChunkSigning; readonly trailer: boolean }) {
    super()
    this.#signing = options.signing
    this.#expectTrailer = options.trailer
    this.#previous = options.signing?.seedSignature ?? ''
  }

  /** Bytes of payload decoded so far. */
  get decodedLength(): number {
    return this.#decoded
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      let at = 0
      while (at < chunk.length) {
        if (this.#state === 'data') {
          const take = Math.min(this.#remaining, chunk.length - at)
          const piece = chunk.subarray(at, at + take)
          this.#chunkHash?.update(piece)
          this.push(piece)
          this.#decoded += take
          this.#remaining -= take
          at += take
          if (this.#remaining === 0) this.#state = 'data-end'
          continue
        }
        if (this.#state === 'done') {
          throw malformed('data after the end of the body')
        }
        const nl = chunk.indexOf(10, at)
        const end = nl < 0 ? chunk.length : nl + 1
        this.#line = Buffer.concat([this.#line, chunk.subarray(at, end)])
        if (this.#line.length > MAX_LINE) throw malformed('a line longer than 4096 bytes')
        at = end
        if (nl < 0) break
        const line = this.#line.toString('latin1').replace(/\r?\n$/, '')
        this.#line = Buffer.alloc(0)
        this.#onLine(line)
      }
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      // Some clients leave out the empty line that ends the trailer.
      if (this.#state === 'trailer' && this.#line.length === 0) this.#finishTrailer()
      done(this.#state === 'done' ? undefined : s3Errors.incompleteBody())
    } catch (error) {
      done(error as Error)
    }
  }

  #onLine(line: string): void {
    switch (this.#state) {
      case 'size': {
        const [sizeText, ...ext] = line.split(';')
        if (sizeText === undefined || !/^[0-9a-fA-F]{1,16}$/.test(sizeText))
          throw malformed(`bad chunk size line '${line.slice(0, 80)}'`)
        const size = Number.parseInt(sizeText, 16)
        const sig = ext.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length)
        if (this.#signing !== undefined) {
          if (sig === undefined) throw malformed('a chunk without chunk-signature in a signed upload')
          this.#chunkSignature = sig.toLowerCase()
          this.#chunkHash = createHash('sha256')
        }
        if (size === 0) {
          this.#verifyChunk(EMPTY_SHA256)
          this.#state = 'trailer'
          return
        }
        this.#remaining = size
        this.#state = 'data'
        return
      }
      case 'data-end':
        if (line !== '') throw malformed('chunk data longer than its declared size')
        if (this.#chunkHash !== undefined) this.#verifyChunk(this.#chunkHash.digest('hex'))
        this.#state = 'size'
        return
      case 'trailer': {
        if (line === '') {
          this.#finishTrailer()
          return
        }
        const colon = line.indexOf(':')
        if (colon <= 0) throw malformed(`bad trailing header '${line.slice(0, 80)}'`)
        if (!this.#expectTrailer) throw malformed('trailing headers without x-amz-trailer')
        if (this.trailers.size >= MAX_TRAILERS) throw malformed('too many trailing headers')
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
        return
      }
      default:
        throw malformed('unexpected line')
    }
  }

  #finishTrailer(): void {
    const signature = this.trailers.get('x-amz-trailer-signature')
    if (this.#signing !== undefined && this.#expectTrailer) {
      if (signature === undefined) throw malformed('the trailer has no x-amz-trailer-signature')
      const canonical = [...this.trailers]
        .filter(([name]) => name !== 'x-amz-trailer-signature')
        .map(([name, value]) => `${name}:${value}\n`)
        .join('')
      const s = this.#signing
      const toSign = [
        'AWS4-HMAC-SHA256-TRAILER',
        s.amzDate,
        s.scope,
        this.#previous,
        createHash('sha256').update(canonical).digest('hex'),
      ].join('\n')
      this.#compare(signature.toLowerCase(), createHmac('sha256', s.key).update(toSign).digest())
    }
    this.trailers.delete('x-amz-trailer-signature')
    this.#state = 'done'
  }

  #verifyChunk(dataHash: string): void {
    const s = this.#signing
    if (s === undefined) return
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      s.amzDate,
      s.scope,
      this.#previous,
      EMPTY_SHA256,
      dataHash,
    ].join('\n')
    this.#compare(this.#chunkSignature, createHmac('sha256', s.key).update(toSign).digest())
    this.#previous = this.#chunkSignature
    this.#chunkHash = undefined
  }

  #compare(given: string, expected: Buffer): void {
    const g = /^[0-9a-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0)
    if (g.length !== expected.length || !timingSafeEqual(g, expected)) {
      throw s3Errors.signatureDoesNotMatch(
        'The request signature we calculated does not match the signature you provided (aws-chunked chunk signature).',
      )
    }
  }
}
