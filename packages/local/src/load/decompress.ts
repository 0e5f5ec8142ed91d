import { PassThrough, pipeline, type Readable, Transform } from 'node:stream'
import { TextDecoder } from 'node:util'
import { createGunzip } from 'node:zlib'
import { Decompress } from 'fzstd'
import unbzip2 from 'unbzip2-stream'

/** The input compressions COPY reads (LZOP is refused before a load starts). */
export type InputCompression = 'none' | 'gzip' | 'bzip2' | 'zstd'

/** A zstd stream decoder (fzstd: pure JavaScript, any number of frames, streaming). */
function zstdDecoder(): Transform {
  let decoder: Decompress | undefined
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      decoder ??= new Decompress((data) =>
        this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
      )
      try {
        decoder.push(chunk)
        done()
      } catch (error) {
        done(error as Error)
      }
    },
    flush(done) {
      try {
        decoder?.push(new Uint8Array(0), true)
        done()
      } catch (error) {
        done(error as Error)
      }
    },
  })
}

/**
 * The object's bytes, decompressed as COPY's GZIP / BZIP2 / ZSTD says (gzip: node:zlib, multi-member
 * files included; bzip2: unbzip2-stream, concatenated streams included; zstd: fzstd).
 */
export function decompressed(source: Readable, compression: InputCompression): Readable {
  const through = (decoder: Transform): Readable => pipeline(source, decoder, () => undefined)
  switch (compression) {
    case 'none':
      return source
    case 'gzip':
      return through(createGunzip())
    case 'bzip2': {
      // unbzip2-stream is a classic stream: its errors and the source's are forwarded by hand.
      const out = new PassThrough()
      const bz = unbzip2()
      const fail = (error: Error) => out.destroy(error)
      source.on('error', fail)
      bz.on('error', fail)
      source.pipe(bz).pipe(out)
      return out
    }
    case 'zstd':
      return through(zstdDecoder())
  }
}

/** Decodes a byte stream as text: UTF-8 (invalid bytes become U+FFFD for ACCEPTINVCHARS), or UTF-16. */
export async function* decodedText(
  source: AsyncIterable<Buffer>,
  encoding: 'utf8' | 'utf16' | 'utf16le' | 'utf16be',
): AsyncIterable<string> {
  let label = encoding === 'utf8' ? 'utf-8' : encoding === 'utf16be' ? 'utf-16be' : 'utf-16le'
  let decoder: TextDecoder | undefined
  for await (const chunk of source) {
    if (decoder === undefined) {
      // UTF16 needs a byte order mark to say which; without one it is big-endian.
      if (encoding === 'utf16') label = chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : 'utf-16be'
      decoder = new TextDecoder(label, { fatal: false, ignoreBOM: false })
    }
    const text = decoder.decode(chunk, { stream: true })
    if (text !== '') yield text
  }
  const rest = decoder?.decode() ?? ''
  if (rest !== '') yield rest
}
