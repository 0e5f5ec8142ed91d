import { describe, expect, test } from 'vitest'
import { type BackendHandler, BackendScanner } from '../../src/gateway/protocol/backend-scanner.js'
import { FrameReader } from '../../src/gateway/protocol/framing.js'
import { MessageWriter } from '../../src/gateway/protocol/writer.js'

const D = 0x44
const row = (text: string): Buffer =>
  new MessageWriter().int16(1).int32(Buffer.byteLength(text)).bytes(Buffer.from(text)).finish(D)
const other = (type: string, body = ''): Buffer =>
  new MessageWriter().bytes(Buffer.from(body)).finish(type.charCodeAt(0))

/** A stream of a query's answer: rows of several sizes around other messages. */
const stream = Buffer.concat([
  other('1'),
  other('T', 'description'),
  row('a'),
  row('bb'.repeat(40)),
  row(''),
  other('N', 'a notice in between'),
  row('ccc'),
  other('C', 'SELECT 4\0'),
  other('Z', 'I'),
])
const ROW_BODIES = [row('a'), row('bb'.repeat(40)), row(''), row('ccc')].reduce((n, r) => n + r.length - 5, 0)

/** Feeds `chunks` and returns what came out: the bytes in order, as pieces tagged row or message. */
function scan(chunks: Buffer[], bulk: boolean) {
  const out: Buffer[] = []
  const messages: string[] = []
  let rows = 0
  let bodyBytes = 0
  const handler: BackendHandler = {
    bulkRows: () => bulk,
    rows(chunk, start, end, n, body) {
      out.push(Buffer.from(chunk.subarray(start, end)))
      rows += n
      bodyBytes += body
    },
    message(type, frame) {
      expect(frame.length).toBe(frame.readUInt32BE(1) + 1)
      expect(frame[0]).toBe(type)
      out.push(Buffer.from(frame))
      messages.push(String.fromCharCode(type))
    },
  }
  const scanner = new BackendScanner(handler)
  for (const c of chunks) scanner.push(c)
  return {
    bytes: Buffer.concat(out),
    messages: messages.join(''),
    rows,
    bodyBytes,
    left: scanner.bufferedBytes,
  }
}

describe('BackendScanner', () => {
  test('every cut into two or three chunks gives back the same bytes, rows counted once', () => {
    for (let i = 0; i <= stream.length; i++) {
      for (const j of [i, Math.min(stream.length, i + 1), Math.min(stream.length, i + 7)]) {
        const chunks = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]
        const bulk = scan(chunks, true)
        expect(bulk.bytes.equals(stream)).toBe(true)
        expect(bulk.messages).toBe('1TNCZ')
        expect(bulk.rows).toBe(4)
        expect(bulk.bodyBytes).toBe(ROW_BODIES)
        expect(bulk.left).toBe(0)
        const whole = scan(chunks, false)
        expect(whole.bytes.equals(stream)).toBe(true)
        expect(whole.messages).toBe('1TDDDNDCZ')
      }
    }
  })

  test('a run of rows inside one chunk is one range of it, not a copy', () => {
    const ranges: [number, number, number][] = []
    const scanner = new BackendScanner({
      bulkRows: () => true,
      rows: (chunk, start, end, n) => {
        expect(chunk).toBe(stream)
        ranges.push([start, end, n])
      },
      message: () => undefined,
    })
    scanner.push(stream)
    expect(ranges.map((r) => r[2])).toEqual([3, 1])
  })

  test('a bad length is refused', () => {
    const scanner = new BackendScanner({
      bulkRows: () => true,
      rows: () => undefined,
      message: () => undefined,
    })
    expect(() => scanner.push(Buffer.from([D, 0, 0, 0, 2, 0]))).toThrow(/invalid message length 2/)
  })
})

describe('FrameReader', () => {
  test('every cut into two or three chunks gives the same frames; a cut one is copied once', () => {
    for (let i = 0; i <= stream.length; i++) {
      for (const j of [i, Math.min(stream.length, i + 1), Math.min(stream.length, i + 3)]) {
        const reader = new FrameReader()
        const frames = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)].flatMap((c) =>
          reader.push(c),
        )
        expect(Buffer.concat(frames.map((f) => f.frame)).equals(stream)).toBe(true)
        expect(frames.map((f) => String.fromCharCode(f.type)).join('')).toBe('1TDDDNDCZ')
        expect(reader.bufferedBytes).toBe(0)
      }
    }
  })

  test('a large message in many small chunks is assembled in one buffer of its size', () => {
    const big = row('x'.repeat(100_000))
    const reader = new FrameReader()
    for (let at = 0; at < big.length - 1000; at += 1000) {
      expect(reader.push(big.subarray(at, at + 1000))).toEqual([])
    }
    const last = reader.push(big.subarray(Math.floor((big.length - 1) / 1000) * 1000))
    expect(last).toHaveLength(1)
    expect(last[0]?.frame.equals(big)).toBe(true)
  })
})
