/** Fixture files the COPY tests generate: compressed, Parquet, manifests. */

import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { compress as zstd, init as zstdInit } from '@bokuweb/zstd-wasm'
import { parquetWriteBuffer } from 'hyparquet-writer'

const compressjs = createRequire(import.meta.url)('compressjs') as {
  Bzip2: { compressFile(input: Uint8Array): number[] | Uint8Array }
}

export function gzip(text: string): Buffer {
  return gzipSync(Buffer.from(text))
}

export function bzip2(text: string): Buffer {
  return Buffer.from(compressjs.Bzip2.compressFile(Buffer.from(text)))
}

export async function zstdCompress(text: string): Promise<Buffer> {
  await zstdInit()
  return Buffer.from(zstd(Buffer.from(text), 3))
}

/** A Parquet file of three columns: id INT32, name STRING, amount DOUBLE. */
export function parquetFile(rows: readonly [number, string | null, number][]): Buffer {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((r) => r[0]), type: 'INT32' },
      { name: 'name', data: rows.map((r) => r[1]), type: 'STRING' },
      { name: 'amount', data: rows.map((r) => r[2]), type: 'DOUBLE' },
    ],
  })
  return Buffer.from(buffer)
}

/** A manifest listing `urls` (each mandatory unless said otherwise). */
export function manifest(entries: readonly { url: string; mandatory?: boolean; length?: number }[]): string {
  return JSON.stringify({
    entries: entries.map((e) => ({
      url: e.url,
      mandatory: e.mandatory ?? true,
      ...(e.length === undefined ? {} : { meta: { content_length: e.length } }),
    })),
  })
}
