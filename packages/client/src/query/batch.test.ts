import { describe, expect, it } from 'vitest'
import { assertParamSets, multiRowInsertChunks, parseSingleRowInsert } from './batch.js'

describe('parseSingleRowInsert', () => {
  it('recognises a single-row INSERT with expressions around its placeholders', () => {
    const insert = parseSingleRowInsert('insert into s.t (a, "b c", d) values ($1, JSON_PARSE($2), $3::int);')
    expect(insert).toMatchObject({ head: 'insert into s.t (a, "b c", d) values ', paramCount: 3 })
    expect(insert?.row).toBe('($1, JSON_PARSE($2), $3::int)')
  })

  it.each([
    ['several rows', 'INSERT INTO t VALUES ($1), ($2)'],
    ['INSERT ... SELECT', 'INSERT INTO t SELECT $1'],
    ['ON CONFLICT', 'INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING'],
    ['RETURNING', 'INSERT INTO t (a) VALUES ($1) RETURNING a'],
    ['no placeholders', 'INSERT INTO t VALUES (1)'],
    ['not an INSERT', 'UPDATE t SET a = $1'],
    ['DEFAULT VALUES', 'INSERT INTO t DEFAULT VALUES'],
  ])('leaves %s alone', (_, sql) => {
    expect(parseSingleRowInsert(sql)).toBeUndefined()
  })

  it('is not fooled by placeholders, keywords or parentheses in literals and comments', () => {
    const insert = parseSingleRowInsert("INSERT INTO t (a, b) VALUES ($1, ') $9 VALUES (') -- $7\n")
    expect(insert?.paramCount).toBe(1)
    expect(insert?.placeholders).toHaveLength(1)
  })
})

describe('multiRowInsertChunks', () => {
  it('renumbers each row and flattens the parameters', () => {
    const insert = parseSingleRowInsert('INSERT INTO t (a, b) VALUES ($2, lower($1))')!
    const chunks = multiRowInsertChunks(insert, [
      ['x', 1],
      ['y', 2],
    ])
    expect(chunks).toEqual([
      {
        sql: 'INSERT INTO t (a, b) VALUES ($2, lower($1)), ($4, lower($3))',
        params: ['x', 1, 'y', 2],
        rows: 2,
      },
    ])
  })

  it('keeps every statement under 32,767 bind parameters', () => {
    const insert = parseSingleRowInsert('INSERT INTO t VALUES ($1, $2, $3, $4, $5)')!
    const sets = Array.from({ length: 20_000 }, (_, i) => [i, i, i, i, i])
    const chunks = multiRowInsertChunks(insert, sets)
    expect(chunks.map((c) => c.rows)).toEqual([6553, 6553, 6553, 341])
    expect(chunks.every((c) => c.params.length <= 32_767)).toBe(true)
    expect(chunks[3]?.sql.endsWith('($1701, $1702, $1703, $1704, $1705)')).toBe(true)
  })

  it('honours a smaller row limit', () => {
    const insert = parseSingleRowInsert('INSERT INTO t VALUES ($1)')!
    expect(multiRowInsertChunks(insert, [[1], [2], [3]], 2).map((c) => c.rows)).toEqual([2, 1])
  })
})

describe('assertParamSets', () => {
  it('lists every parameter set of the wrong length', () => {
    expect(() => assertParamSets([[1], [1, 2], [], [3]], 1)).toThrow(
      /paramSets\[1\]: has 2 values[\s\S]*paramSets\[2\]: has 0 values/,
    )
    expect(() => assertParamSets([[1], [2]], 1)).not.toThrow()
  })
})
