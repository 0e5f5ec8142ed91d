import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonNumber, parseExactJson, stringifyExactJson } from './exact-json.js'

describe('exact JSON', () => {
  it('keeps numbers of more than 15 significant digits as written, shorter ones as JSON.parse reads them', () => {
    const v = parseExactJson(
      '{"big": 9223372036854775807, "neg": -12345678901234567890, "dec": 12345678901234567.89, "small": 1.0, "e": 1e2, "s": "1234567890123456789"}',
    ) as Record<string, unknown>
    expect(v.big).toEqual(new JsonNumber('9223372036854775807'))
    expect(v.neg).toEqual(new JsonNumber('-12345678901234567890'))
    expect(v.dec).toEqual(new JsonNumber('12345678901234567.89'))
    expect(v.small).toBe(1)
    expect(v.e).toBe(100)
    expect(v.s).toBe('1234567890123456789')
    expect(stringifyExactJson(parseExactJson('{"a":[12345678901234567890,{"b":null}],"c":"x\\"y"}'))).toBe(
      '{"a":[12345678901234567890,{"b":null}],"c":"x\\"y"}',
    )
  })

  it('reads what JSON.parse reads, and refuses what it refuses', () => {
    fc.assert(
      fc.property(fc.json(), fc.string(), (json, junk) => {
        // A long digit run forces the exact parser for every sample.
        const text = `[${json}, 1234567890123456789]`
        const exact = parseExactJson(text) as unknown[]
        const native = JSON.parse(text) as unknown[]
        // fc.json writes numbers as JSON.stringify does, so the literals kept are the same text.
        expect(stringifyExactJson(exact[0])).toBe(JSON.stringify(native[0]))
        const broken = `[${junk}, 1234567890123456789]`
        let nativeOk = true
        try {
          JSON.parse(broken)
        } catch {
          nativeOk = false
        }
        let exactOk = true
        try {
          parseExactJson(broken)
        } catch {
          exactOk = false
        }
        expect(exactOk).toBe(nativeOk)
      }),
      { numRuns: 300 },
    )
  })

  it('treats "__proto__" as an ordinary key', () => {
    const v = parseExactJson('{"__proto__": {"x": 1}, "n": 1234567890123456789}') as Record<string, unknown>
    expect(Object.keys(v)).toEqual(['__proto__', 'n'])
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})
