import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const sql = (text: string) => translateStatement(text, ctx).sql

describe('intervaly2m / intervald2s', () => {
  it('become the engine spelling where a type goes', () => {
    expect(sql("SELECT '1-2'::intervaly2m, CAST('1 2:03:04' AS intervald2s)")).toBe(
      "SELECT '1-2'::interval year to month, CAST('1 2:03:04' AS interval day to second)",
    )
    expect(sql('CREATE TABLE t (a intervaly2m, b intervald2s)')).toBe(
      'CREATE TABLE t (a interval year to month, b interval day to second)',
    )
  })

  it('are left alone as names', () => {
    expect(sql('SELECT intervaly2m, x AS intervald2s FROM t')).toBe(
      'SELECT intervaly2m, x AS intervald2s FROM t',
    )
  })
})
