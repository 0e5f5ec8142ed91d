import { describe, expect, it } from 'vitest'
import { countPlaceholders, scanSql } from './sql-scan.js'

describe('scanSql', () => {
  it('finds placeholders only in code', () => {
    const sql = `SELECT $1, '$2', E'\\'$3', "$4", $$ $5 $$, $tag$ $6 $tag$ /* $7 /* $8 */ */ -- $9\n, $10`
    const indexes = scanSql(sql)
      .filter((t) => t.type === 'placeholder')
      .map((t) => (t.type === 'placeholder' ? t.index : 0))
    expect(indexes).toEqual([1, 10])
  })

  it('counts parameters by the highest placeholder', () => {
    expect(countPlaceholders('SELECT * FROM t WHERE a = $1 AND b = $3 OR c = $1')).toBe(3)
    expect(countPlaceholders("SELECT 'no $1 here'")).toBe(0)
  })
})
