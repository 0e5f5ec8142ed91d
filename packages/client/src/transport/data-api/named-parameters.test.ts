import { describe, expect, it } from 'vitest'
import { adversarialStrings } from '../../../test/data-api/adversarial-strings.js'
import { parseSingleRowInsert } from '../../query/batch.js'
import { createTypeParsers } from '../../types/type-parsers.js'
import type { QueryParam, Value } from '../../types/value.js'
import { batchStatements, sqlLiteral } from './batch-literals.js'
import { toNamedStatement } from './named-parameters.js'
import { pageText } from './page-text.js'
import { columnOf, csvDecoder } from './result-decoding.js'

describe('toNamedStatement', () => {
  it('maps $n to :pn, and writes NULL and empty strings as fixed literals', () => {
    expect(toNamedStatement('SELECT $1::int, $2, $3, $1', [7, null, ''])).toEqual({
      sql: "SELECT :p1::int, NULL, '', :p1",
      parameters: [{ name: 'p1', value: '7' }],
    })
  })

  it('leaves $n inside strings, quoted identifiers, comments and dollar quotes alone', () => {
    const sql = `SELECT '$1', "$1", $$ $1 $$ -- $1\n, $1 /* $1 */`
    expect(toNamedStatement(sql, ['x'])).toEqual({
      sql: `SELECT '$1', "$1", $$ $1 $$ -- $1\n, :p1 /* $1 */`,
      parameters: [{ name: 'p1', value: 'x' }],
    })
  })

  it("never pastes a value into the SQL, and keeps a ':' before a placeholder from becoming a cast", () => {
    const hostile = "'; DROP TABLE t; --"
    const named = toNamedStatement('SELECT a:$1, $2', [hostile, undefined])
    expect(named.sql).toBe('SELECT a: :p1, NULL')
    expect(named.parameters).toEqual([{ name: 'p1', value: hostile }])
  })

  it('serializes values as text: bigints exact, Dates in UTC, bytes as hex, booleans', () => {
    const named = toNamedStatement('SELECT $1, $2, $3, $4', [
      9007199254740993n,
      new Date('2024-01-02T03:04:05.678Z'),
      new Uint8Array([1, 255]),
      false,
    ])
    expect(named.parameters.map((p) => p.value)).toEqual([
      '9007199254740993',
      '2024-01-02 03:04:05.678+00',
      '01ff',
      'false',
    ])
  })
})

describe('csvDecoder', () => {
  it('reads RFC 4180 CSV into typed values, skipping the header of the first page', () => {
    const columns = [
      columnOf({ name: 'id', typeName: 'int8' }),
      columnOf({ name: 'note', typeName: 'varchar' }),
      columnOf({ name: 'at', typeName: 'timestamp' }),
    ]
    const decode = csvDecoder(columns, createTypeParsers())
    const page = 'id,note,at\n1,"a,""b""\nc",2024-01-02 03:04:05.0\n2,,2024-01-02 03:04:05.5\n'
    const rows: Value[][] = []
    const afterFirst = decode.rows(page, decode.skipLine(page, 0), 1, rows)
    expect(rows).toEqual([[1n, 'a,"b"\nc', new Date('2024-01-02T03:04:05.000Z')]])
    expect(decode.rows(page, afterFirst, 5, rows)).toBe(page.length)
    expect(rows[1]).toEqual([2n, null, new Date('2024-01-02T03:04:05.500Z')])
    const last: Value[][] = []
    decode.rows('3,x,2024-01-01 00:00:00.0', 0, 5, last)
    expect(last).toEqual([[3n, 'x', new Date('2024-01-01T00:00:00Z')]])
  })
})

describe('pageText (result pages decoded from the reply bytes, a slice at a time)', () => {
  const columns = [
    { name: 'id', typeName: 'int8' },
    { name: 'note', typeName: 'varchar' },
    { name: 'at', typeName: 'timestamp' },
    { name: 'ok', typeName: 'bool' },
    { name: 'x', typeName: 'float8' },
    { name: 'b', typeName: 'varbyte' },
  ]
  const parsers = createTypeParsers()

  it('reads GetStatementResult records exactly, whatever the member order, spacing and escapes', () => {
    const body = Buffer.from(
      `{ "TotalNumRows" : 3, "ColumnMetadata":${JSON.stringify(columns)},
        "Records" : [ [ {"longValue": 9007199254740993}, {"stringValue":"a\\"],{\\\\\\u00e9\\n"},
          {"stringValue":"2024-01-02 03:04:05.0"}, {"booleanValue":true}, {"doubleValue":1.5E3},
          {"blobValue":"AQL/"} ],
        [{"longValue":-2},{"isNull":true},{"isNull":false,"stringValue":"2024-01-02 03:04:05.5"},
          {"booleanValue":false},{"doubleValue":"NaN"},{"isNull":true}],
        [{"longValue":3},{"stringValue":"été ✓"},{"isNull":true},{"isNull":true},{"doubleValue":-0.25},{"isNull":true}] ],
        "NextToken": "t2" }`,
    )
    let released: Buffer | undefined
    const page = pageText(body, 'json', parsers, true, (b) => {
      released = b
    })
    expect(page.columns.map((c) => c.name)).toEqual(['id', 'note', 'at', 'ok', 'x', 'b'])
    expect(page.nextToken).toBe('t2')
    expect(page.take(2)).toEqual([
      [
        9007199254740993n,
        'a"],{\\é\n',
        new Date('2024-01-02T03:04:05Z'),
        true,
        1500,
        new Uint8Array([1, 2, 255]),
      ],
      [-2n, null, new Date('2024-01-02T03:04:05.500Z'), false, Number.NaN, null],
    ])
    expect([page.drained, released]).toEqual([false, undefined])
    expect(page.take(5)).toEqual([[3n, 'été ✓', null, null, -0.25, null]])
    expect([page.drained, released]).toEqual([true, body])
    expect(page.take(5)).toEqual([])
  })

  it('reads GetStatementResultV2 CSV where it lies in the JSON string, rows never split across slices', () => {
    const csv = 'id,note\n1,"x,""y""\nz"\n2,\n3,é\\\n'
    const body = Buffer.from(
      JSON.stringify({
        Records: [{ CSVRecords: csv }, { CSVRecords: '4,last' }],
        ColumnMetadata: columns.slice(0, 2),
        ResultFormat: 'CSV',
      }).replace('é', '\\u00e9'),
    )
    const page = pageText(body, 'csv', parsers, true)
    expect(page.nextToken).toBeUndefined()
    expect(page.take(1)).toEqual([[1n, 'x,"y"\nz']])
    expect(page.take(10)).toEqual([
      [2n, null],
      [3n, 'é\\'],
      [4n, 'last'],
    ])
    expect(page.drained).toBe(true)
  })

  it('says which page it could not read, rather than returning wrong rows', () => {
    for (const bad of ['{"Records":[[{"longValue":1}', '[1]', '{"Records":[[{"stringValue":"x}]]}']) {
      expect(() => pageText(Buffer.from(bad), 'json', parsers, true).take(10)).toThrow(
        /the Data API sent a result page the client cannot read/,
      )
    }
  })
})

describe('literals for BatchExecuteStatement (which takes no parameters)', () => {
  /** Reads a rendered literal back by either backslash rule: they agree as it holds no backslash. */
  function readBack(literal: string): string {
    const body = literal.startsWith('(') ? literal.slice(1, -1) : literal
    return body
      .split(' || CHR(92) || ')
      .map((part) => part.slice(1, -1).replaceAll("''", "'"))
      .join('\\')
  }

  it('holds no backslash and reads back as the value, for adversarial strings', () => {
    for (const value of [...adversarialStrings(300), '', '\\', "'", '\\\\']) {
      const literal = sqlLiteral(value) as string
      expect(literal).not.toContain('\\')
      expect(readBack(literal)).toBe(value)
    }
    expect(sqlLiteral('a\0b')).toBeUndefined()
  })

  it('plans multi-row INSERTs under 100 KB each, at most 40, else leaves the batch to a session', () => {
    const sql = 'INSERT INTO t (a, b) VALUES ($1, $2)'
    const insert = parseSingleRowInsert(sql)
    const plan = (sets: QueryParam[][]) => batchStatements(sql, sets, insert)
    expect(
      plan([
        [1, "it's"],
        [null, 'a\\b'],
      ]),
    ).toEqual([
      { sql: "INSERT INTO t (a, b) VALUES ('1', 'it''s'), (NULL, ('a' || CHR(92) || 'b'))", rows: 2 },
    ])
    const wide = plan(Array.from({ length: 300 }, (_, i) => [i, 'x'.repeat(1000)])) ?? []
    expect(wide.length).toBeGreaterThan(2)
    expect(wide.every((s) => Buffer.byteLength(s.sql) <= 100 * 1024)).toBe(true)
    expect(wide.reduce((n, s) => n + s.rows, 0)).toBe(300)
    expect(plan(Array.from({ length: 5000 }, () => [1, 'y'.repeat(1000)]))).toBeUndefined()
    const update = 'UPDATE t SET a = $1'
    expect(
      batchStatements(
        update,
        Array.from({ length: 41 }, () => [1]),
        undefined,
      ),
    ).toBeUndefined()
    expect(() => batchStatements(update, [['\0']], undefined)).toThrow(/NUL character/)
  })
})
