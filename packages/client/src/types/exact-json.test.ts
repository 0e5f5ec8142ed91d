import { describe, expect, it } from 'vitest'
import { parseExactJson } from './exact-json.js'

describe('parseExactJson', () => {
  it('keeps integers beyond 2^53 as bigint and long decimals as their exact text', () => {
    expect(
      parseExactJson('{"id": 9007199254740993, "r": 0.12345678901234567890, "n": 1.5, "s": "x"}'),
    ).toEqual({
      id: 9007199254740993n,
      r: '0.12345678901234567890',
      n: 1.5,
      s: 'x',
    })
    expect(parseExactJson('[-12345678901234567890, 1e3, 123456789012345.6789, true, null]')).toEqual([
      -12345678901234567890n,
      1000,
      '123456789012345.6789',
      true,
      null,
    ])
  })

  it('matches JSON.parse on ordinary documents, and refuses bad JSON', () => {
    const doc = '{"a":[1,2,{"b":"c\\"d"}],"e":-0.5,"f":{}, "g": [], "h": "12345678901234567890"}'
    expect(parseExactJson(doc)).toEqual(JSON.parse(doc))
    expect(() => parseExactJson('{"a": 12345678901234567890,}')).toThrow(SyntaxError)
    expect(() => parseExactJson('[1 2]')).toThrow(SyntaxError)
  })
})
