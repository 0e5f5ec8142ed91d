import { describe, expect, it } from 'vitest'
import { stringValue, type Token, tokenize } from '../src/index.js'

const kinds = (sql: string) => tokenize(sql).map((t) => [t.kind, t.text])
const significant = (sql: string) =>
  tokenize(sql)
    .filter((t) => t.kind !== 'whitespace')
    .map((t) => [t.kind, t.text])

describe('tokenize', () => {
  it('round-trips any text byte for byte, offsets included', () => {
    const samples = [
      "select 'a''b', E'c\\'d', $$x$$, $t$ $$ $t$, \"q\"\"i\" /* a /* b */ c */ -- end",
      'select\t1\r\n;\f',
      "select 'unterminated",
      'select /* never closed',
      'select $tag$ never closed',
      'ünïcödé_ident, 😀, {x}, \\',
    ]
    for (const sql of samples) {
      const tokens = tokenize(sql)
      expect(tokens.map((t) => t.text).join('')).toBe(sql)
      for (const t of tokens) expect(sql.slice(t.start, t.end)).toBe(t.text)
    }
  })

  it('reads single-quoted strings with doubled quotes, and backslashes as plain characters', () => {
    expect(significant("select 'it''s', 'a\\' x")).toEqual([
      ['word', 'select'],
      ['string', "'it''s'"],
      ['punct', ','],
      ['string', "'a\\'"],
      ['word', 'x'],
    ])
  })

  it('reads E-strings with backslash escapes and prefixed strings', () => {
    expect(significant("E'a\\'b' e'\\\\' B'101' X'1F' N'n' U&'d\\0061t'")).toEqual([
      ['string', "E'a\\'b'"],
      ['string', "e'\\\\'"],
      ['string', "B'101'"],
      ['string', "X'1F'"],
      ['string', "N'n'"],
      ['string', "U&'d\\0061t'"],
    ])
    const [e] = tokenize("E'a\\'b\\n'")
    expect(stringValue(e as Token)).toBe("a'b\n")
    expect(stringValue(tokenize("'it''s'")[0] as Token)).toBe("it's")
    expect(stringValue(tokenize("B'101'")[0] as Token)).toBeNull()
  })

  it('reads double-quoted identifiers with their unquoted value', () => {
    const [t] = tokenize('"My ""Table"""')
    expect(t).toMatchObject({ kind: 'quotedIdent', value: 'My "Table"' })
    expect(tokenize('U&"d\\0061t"')[0]?.kind).toBe('quotedIdent')
  })

  it('reads dollar quoting with and without a tag, and tells parameters apart', () => {
    expect(significant("$$it's; -- not a comment$$ $fn$ $$ inner $$ $fn$ $1 $23")).toEqual([
      ['dollarString', "$$it's; -- not a comment$$"],
      ['dollarString', '$fn$ $$ inner $$ $fn$'],
      ['param', '$1'],
      ['param', '$23'],
    ])
    // A `$` inside an identifier belongs to it, so it opens no dollar quote.
    expect(significant('a$b$ c')).toEqual([
      ['word', 'a$b$'],
      ['word', 'c'],
    ])
  })

  it('reads nested block comments and line comments', () => {
    expect(kinds('/* a /* b */ still */x--c\ny')).toEqual([
      ['comment', '/* a /* b */ still */'],
      ['word', 'x'],
      ['comment', '--c'],
      ['whitespace', '\n'],
      ['word', 'y'],
    ])
    expect(tokenize('/* open /* nested */')[0]).toMatchObject({ kind: 'comment', unterminated: true })
  })

  it('reads numbers, operators and punctuation', () => {
    expect(significant('1 1.5 .5 1e10 2.5E-3 0x1F 1_000 a.b x::int y:=1 a<>b c>=-1 d||e f->>g')).toEqual([
      ['number', '1'],
      ['number', '1.5'],
      ['number', '.5'],
      ['number', '1e10'],
      ['number', '2.5E-3'],
      ['number', '0x1F'],
      ['number', '1_000'],
      ['word', 'a'],
      ['punct', '.'],
      ['word', 'b'],
      ['word', 'x'],
      ['operator', '::'],
      ['word', 'int'],
      ['word', 'y'],
      ['operator', ':='],
      ['number', '1'],
      ['word', 'a'],
      ['operator', '<>'],
      ['word', 'b'],
      ['word', 'c'],
      ['operator', '>='],
      ['operator', '-'],
      ['number', '1'],
      ['word', 'd'],
      ['operator', '||'],
      ['word', 'e'],
      ['word', 'f'],
      ['operator', '->>'],
      ['word', 'g'],
    ])
  })

  it('ends an operator where a comment starts', () => {
    expect(kinds('a+--c')).toEqual([
      ['word', 'a'],
      ['operator', '+'],
      ['comment', '--c'],
    ])
    expect(kinds('a*/*c*/')).toEqual([
      ['word', 'a'],
      ['operator', '*'],
      ['comment', '/*c*/'],
    ])
  })

  it('folds unquoted words to lower case in value, keeping the text', () => {
    expect(tokenize('SeLeCt')[0]).toMatchObject({ kind: 'word', text: 'SeLeCt', value: 'select' })
  })

  it('marks unterminated strings and identifiers', () => {
    expect(tokenize("'abc")[0]).toMatchObject({ kind: 'string', text: "'abc", unterminated: true })
    expect(tokenize('"abc')[0]).toMatchObject({ kind: 'quotedIdent', unterminated: true })
  })
})
