/**
 * The checksums S3 checks uploads against (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`, `-sha1`,
 * `-sha256`, and `Content-MD5`). CRC32 is zlib's (native); CRC32C and CRC64/NVME are table-driven from
 * their published polynomials, since node:crypto has neither.
 */
import { createHash } from 'node:crypto'
import zlib from 'node:zlib'
import type { ChecksumAlgorithm } from '../object-meta.js'

/** An incremental digest. */
export interface Hasher {
  update(chunk: Buffer): void
  digest(): Buffer
}

/** Every algorithm, with its header (`x-amz-checksum-<lower case>`). */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
]

/** `x-amz-checksum-crc32` for `CRC32`, and so on. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`
}

/**
 * The algorithm named by `CRC32`, `crc32`, ... or undefined for an unknown name.
 *
 * @example
 * parseAlgorithm('crc64nvme') // 'CRC64NVME'
 */
export function parseAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.toUpperCase()
  return CHECKSUM_ALGORITHMS.find((a) => a === upper)
}

function table32(poly: number): Uint32Array {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1
    t[n] = c >>> 0
  }
  return t
}

// Reflected polynomials: CRC-32C (Castagnoli) and CRC-64/NVME.
const CRC32C_TABLE = table32(0x82f63b78)
const CRC64_LO = new Uint32Array(256)
const CRC64_HI = new Uint32Array(256)
{
  const polyHi = 0x9a6c9329
  const polyLo = 0xac4bc9b5
  for (let n = 0; n < 256; n++) {
    let hi = 0
    let lo = n
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0
      hi = hi >>> 1
      if (carry) {
        hi = (hi ^ polyHi) >>> 0
        lo = (lo ^ polyLo) >>> 0
      }
    }
    CRC64_HI[n] = hi
    CRC64_LO[n] = lo
  }
}

class Crc32 implements Hasher {
  #crc = 0
  update(chunk: Buffer): void {
    this.#crc = zlib.crc32(chunk, this.#crc)
  }
  digest(): Buffer {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(this.#crc >>> 0)
    return b
  }
}

class Crc32c implements Hasher {
  #crc = 0xffffffff
  update(chunk: Buffer): void {
    let c = this.#crc
    for (let i = 0; i < chunk.length; i++)
      c = (c >>> 8) ^ (CRC32C_TABLE[(c ^ (chunk[i] as number)) & 0xff] as number)
    this.#crc = c
  }
  digest(): Buffer {
    const b = Buffer.alloc(4)
    b.writeUInt32BE((this.#crc ^ 0xffffffff) >>> 0)
    return b
  }
}

class Crc64Nvme implements Hasher {
  #hi = 0xffffffff
  #lo = 0xffffffff
  update(chunk: Buffer): void {
    let hi = this.#hi
    let lo = this.#lo
    for (let i = 0; i < chunk.length; i++) {
      const idx = (lo ^ (chunk[i] as number)) & 0xff
      lo = ((lo >>> 8) | (hi << 24)) ^ (CRC64_LO[idx] as number)
      hi = (hi >>> 8) ^ (CRC64_HI[idx] as number)
    }
    this.#hi = hi
    this.#lo = lo
  }
  digest(): Buffer {
    const b = Buffer.alloc(8)
    b.writeUInt32BE((this.#hi ^ 0xffffffff) >>> 0, 0)
    b.writeUInt32BE((this.#lo ^ 0xffffffff) >>> 0, 4)
    return b
  }
}

/**
 * A fresh hasher of `algorithm`.
 *
 * @example
 * const h = hasher('CRC32'); h.update(Buffer.from('hello')); h.digest().toString('base64') // 'NhCmhg=='
 */
export function hasher(algorithm: ChecksumAlgorithm | 'MD5'): Hasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32()
    case 'CRC32C':
      return new Crc32c()
    case 'CRC64NVME':
      return new Crc64Nvme()
    case 'SHA1':
      return createHash('sha1')
    case 'SHA256':
      return createHash('sha256')
    case 'MD5':
      return createHash('md5')
  }
}
