import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { compress as zstdCompress, init as zstdInit } from '@bokuweb/zstd-wasm'

/** The output compressions of UNLOAD. */
export type OutputCompression = 'none' | 'gzip' | 'bzip2' | 'zstd'

/** The file name extension each compression adds (DG `r_UNLOAD`: `.gz`, `.bz2`, `.zst`). */
export const COMPRESSION_EXTENSIONS: Readonly<Record<OutputCompression, string>> = {
  none: '',
  gzip: '.gz',
  bzip2: '.bz2',
  zstd: '.zst',
}

const gzipAsync = promisify(gzip)

interface Bzip2Codec {
  compressFile(input: Uint8Array): number[] | Uint8Array
}
// compressjs is CommonJS without types: its Bzip2 codec compresses a whole buffer.
const bzip2 = (createRequire(import.meta.url)('compressjs') as { Bzip2: Bzip2Codec }).Bzip2

let zstdReady: Promise<void> | undefined

/**
 * Compresses one chunk of a file into a self-contained member: a gzip member (node:zlib, on the thread
 * pool), a bzip2 stream (compressjs) or a zstd frame (@bokuweb/zstd-wasm). Each format reads a file of
 * concatenated members as the concatenation of their contents, so a file is written chunk by chunk
 * without holding it whole.
 */
export async function compressChunk(codec: OutputCompression, chunk: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return chunk
    case 'gzip':
      return gzipAsync(chunk)
    case 'bzip2':
      return Buffer.from(bzip2.compressFile(chunk))
    case 'zstd': {
      zstdReady ??= zstdInit()
      await zstdReady
      return Buffer.from(zstdCompress(chunk, 3))
    }
  }
}
