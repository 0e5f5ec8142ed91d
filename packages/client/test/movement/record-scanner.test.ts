import { describe, expect, it } from 'vitest'
import { csvFields } from '../../src/data/load/load-file.js'
import { csvScanner, jsonScanner, type RecordScanner } from '../../src/data/load/record-scanner.js'

/** Feeds `text` in chunks of `size` bytes; returns the text of each record boundary's cut. */
function cuts(scanner: RecordScanner, text: string, size: number): string[] {
  const bytes = Buffer.from(text)
  const out: string[] = []
  let start = 0
  for (let offset = 0; offset < bytes.length; offset += size) {
    const chunk = bytes.subarray(offset, offset + size)
    for (let at = scanner.next(chunk, 0); at !== -1; at = scanner.next(chunk, at)) {
      out.push(bytes.subarray(start, offset + at).toString())
      start = offset + at
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start).toString())
  scanner.end()
  return out
}

describe('record scanners', () => {
  it('CSV: a quoted newline or doubled quote never ends a record, whatever the chunking', () => {
    const text = 'a,"b\nc"\r\n"x""y",z\n\nlast'
    for (const size of [1, 2, 3, 7, 100]) {
      const scanner = csvScanner()
      expect(cuts(scanner, text, size)).toEqual(['a,"b\nc"\r\n', '"x""y",z\n', '\n', 'last'])
      expect(scanner.records).toBe(3)
      expect(scanner.lines).toBe(4)
    }
  })

  it('JSON: pretty-printed objects end at the newline after their closing brace, strings and escapes aside', () => {
    const text = '{"a": "}\\"\n{",\n "b": [1, {"c": 2}]}\n{"d": 1}'
    for (const size of [1, 4, 100]) {
      const scanner = jsonScanner()
      expect(cuts(scanner, text, size)).toEqual(['{"a": "}\\"\n{",\n "b": [1, {"c": 2}]}\n', '{"d": 1}'])
      expect(scanner.records).toBe(2)
    }
  })

  it('a header line splits into its names, quotes removed', () => {
    expect(csvFields('id, "the ""note""" ;x', ',', '"')).toEqual(['id', 'the "note" ;x'])
    expect(csvFields('a\tb', '\t', '"')).toEqual(['a', 'b'])
  })
})
