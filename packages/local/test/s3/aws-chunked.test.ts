/** The aws-chunked decoder: signed chunks (AWS's published example), unsigned chunks with a trailing checksum. */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { signingKey } from '../../src/aws/sigv4.js'
import { AwsChunkedDecoder } from '../../src/s3/s3-rest/aws-chunked.js'
import { hasher } from '../../src/s3/s3-rest/checksums.js'

// The example of AWS's "Transferring Payload in Multiple Chunks" page: 65536 + 1024 bytes of 'a'.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const SIGNING = {
  key: signingKey(SECRET, '20130524', 'us-east-1', 's3'),
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
  seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
}
const CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
]

function signedBody(
  signatures: readonly string[],
  data: Buffer[] = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')],
): Buffer {
  const parts: Buffer[] = []
  data.forEach((d, i) => {
    parts.push(
      Buffer.from(`${d.length.toString(16)};chunk-signature=${signatures[i]}\r\n`),
      d,
      Buffer.from('\r\n'),
    )
  })
  parts.push(Buffer.from(`0;chunk-signature=${signatures[data.length]}\r\n\r\n`))
  return Buffer.concat(parts)
}

/** Feeds `body` in small pieces (lines and data split across reads) and collects the output. */
async function decode(decoder: AwsChunkedDecoder, body: Buffer, piece = 977): Promise<Buffer> {
  const pieces: Buffer[] = []
  for (let i = 0; i < body.length; i += piece) pieces.push(body.subarray(i, i + piece))
  const out: Buffer[] = []
  await pipeline(Readable.from(pieces), decoder, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk)
  })
  return Buffer.concat(out)
}

describe('AwsChunkedDecoder', () => {
  it('decodes and verifies the chunk signatures of the AWS documentation example', async () => {
    const out = await decode(
      new AwsChunkedDecoder({ signing: SIGNING, trailer: false }),
      signedBody(CHUNK_SIGNATURES),
    )
    expect(out.equals(Buffer.alloc(66560, 'a'))).toBe(true)
  })

  it('refuses a tampered chunk with SignatureDoesNotMatch', async () => {
    const data = [Buffer.alloc(65536, 'a'), Buffer.concat([Buffer.alloc(1023, 'a'), Buffer.from('b')])]
    const error = await decode(
      new AwsChunkedDecoder({ signing: SIGNING, trailer: false }),
      signedBody(CHUNK_SIGNATURES, data),
    ).catch((e: unknown) => e as { code: string })
    expect((error as { code: string }).code).toBe('SignatureDoesNotMatch')
  })

  it('reads unsigned chunks and their trailing checksum', async () => {
    const crc = hasher('CRC32')
    crc.update(Buffer.from('helloworld'))
    const value = crc.digest().toString('base64')
    const body = Buffer.from(`5\r\nhello\r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:${value}\r\n\r\n`)
    const decoder = new AwsChunkedDecoder({ trailer: true })
    expect((await decode(decoder, body, 3)).toString()).toBe('helloworld')
    expect(decoder.trailers.get('x-amz-checksum-crc32')).toBe(value)
  })

  it('refuses a body cut short, a chunk longer than declared, and a bad size line', async () => {
    const short = await decode(new AwsChunkedDecoder({ trailer: false }), Buffer.from('a\r\nhello')).catch(
      (e: unknown) => e,
    )
    expect((short as { code: string }).code).toBe('IncompleteBody')
    const long = await decode(
      new AwsChunkedDecoder({ trailer: false }),
      Buffer.from('2\r\nhello\r\n0\r\n\r\n'),
    ).catch((e: unknown) => e)
    expect((long as { message: string }).message).toContain('longer than its declared size')
    const bad = await decode(new AwsChunkedDecoder({ trailer: false }), Buffer.from('zz\r\n')).catch(
      (e: unknown) => e,
    )
    expect((bad as { message: string }).message).toContain('bad chunk size line')
  })
})

describe('checksums', () => {
  it.each([
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
  ] as const)('%s of "123456789" is the published check value', (algorithm, check) => {
    const h = hasher(algorithm)
    h.update(Buffer.from('12345'))
    h.update(Buffer.from('6789'))
    expect(h.digest().toString('hex')).toBe(check)
  })
})
