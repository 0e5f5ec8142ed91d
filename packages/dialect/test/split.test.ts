import { describe, expect, it } from 'vitest'
import { splitStatements } from '../src/index.js'

describe('splitStatements', () => {
  it('splits on top-level semicolons and trims each statement', () => {
    expect(splitStatements('select 1;  select 2 ;\n')).toEqual(['select 1', 'select 2'])
  })

  it('ignores semicolons in strings, identifiers, comments, dollar quotes and parentheses', () => {
    const sql = [
      "select ';', E'\\';'",
      'select "a;b" from t -- c;d\n',
      'select /* x; /* y; */ z; */ 1',
      'create function f() returns int as $body$ begin; return 1; end $body$ language plpgsql',
      'select (1;2)',
    ].join(';')
    expect(splitStatements(sql)).toEqual([
      "select ';', E'\\';'",
      'select "a;b" from t -- c;d',
      'select /* x; /* y; */ z; */ 1',
      'create function f() returns int as $body$ begin; return 1; end $body$ language plpgsql',
      'select (1;2)',
    ])
  })

  it('drops statements that are empty or only comments', () => {
    expect(splitStatements(';; -- nothing\n; /* still nothing */ ; select 1;')).toEqual(['select 1'])
    expect(splitStatements('')).toEqual([])
  })

  it('keeps an unterminated tail as one statement', () => {
    expect(splitStatements("select 1; select 'open; still open")).toEqual([
      'select 1',
      "select 'open; still open",
    ])
  })

  it('keeps a statement text exactly, comments inside it included', () => {
    expect(splitStatements('-- lead\nSELECT  1 /* c */')).toEqual(['-- lead\nSELECT  1 /* c */'])
  })
})
