import { describe, expect, it } from 'vitest'
import { json, MAX_BIND_PARAMETERS, QueryBuilder, toQuery, ValidationError } from '../../src/index.js'

describe('QueryBuilder', () => {
  it('builds the api.md example into a frozen Query', () => {
    const query = new QueryBuilder('SELECT * FROM users WHERE id = $1 AND status = $2')
      .param(123n)
      .param('active')
      .queryGroup('analytics')
      .label('user-lookup')
      .timeout(30_000)
      .build()
    expect(query).toEqual({
      sql: 'SELECT * FROM users WHERE id = $1 AND status = $2',
      params: [123n, 'active'],
      timeoutMs: 30_000,
      queryGroup: 'analytics',
      label: 'user-lookup',
    })
    expect(Object.isFrozen(query)).toBe(true)
    expect(Object.isFrozen(query.params)).toBe(true)
  })

  it('leaves unset options out', () => {
    const q = new QueryBuilder('SELECT 1').build()
    expect(q).toEqual({ sql: 'SELECT 1', params: [] })
    expect('timeoutMs' in q).toBe(false)
  })

  it('is immutable: every call returns a new builder and the old one is unchanged', () => {
    const base = new QueryBuilder('SELECT $1, $2')
    const one = base.param(1)
    const two = one.param(2)
    const other = one.param('x').timeout(5)
    expect(one).not.toBe(base)
    expect(base.build().params).toEqual([])
    expect(one.build().params).toEqual([1])
    expect(two.build().params).toEqual([1, 2])
    expect(other.build()).toEqual({ sql: 'SELECT $1, $2', params: [1, 'x'], timeoutMs: 5 })
    expect(two.build().timeoutMs).toBeUndefined()
  })

  it('adds a list of parameters with params()', () => {
    expect(new QueryBuilder('SELECT $1, $2, $3').param(1).params([2n, null]).build().params).toEqual([
      1,
      2n,
      null,
    ])
  })

  it('accepts every parameter kind', () => {
    const bytes = new Uint8Array([1])
    const date = new Date(0)
    const j = json({ a: 1 })
    const q = new QueryBuilder('x').params(['s', 1, 2n, true, date, bytes, j, null, undefined]).build()
    expect(q.params).toEqual(['s', 1, 2n, true, date, bytes, j, null, undefined])
  })

  it('rejects an array parameter at the call, with the way out', () => {
    expect(() => new QueryBuilder('SELECT * FROM t WHERE id IN ($1)').param([1, 2] as never)).toThrow(
      /\$1: is an array: Redshift cannot bind arrays/,
    )
    try {
      new QueryBuilder('x').param(1).params([{ a: 1 } as never, [1] as never])
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).problems.map((p) => p.field)).toEqual(['$2', '$3'])
    }
  })

  it('validates sql, timeout, query group and label', () => {
    expect(() => new QueryBuilder('  ')).toThrow(ValidationError)
    expect(() => new QueryBuilder('x').timeout(-1)).toThrow(/timeout: must be a whole number of milliseconds/)
    expect(() => new QueryBuilder('x').timeout(1.5)).toThrow(ValidationError)
    expect(() => new QueryBuilder('x').queryGroup('')).toThrow(/queryGroup/)
    expect(() => new QueryBuilder('x').queryGroup('x'.repeat(321))).toThrow(/at most 320/)
    expect(() => new QueryBuilder('x').queryGroup("a'\n")).toThrow(/control characters/)
    expect(() => new QueryBuilder('x').label('')).toThrow(/label/)
  })

  it('guards the 32,767 bind-parameter limit at build()', () => {
    const many = new Array(MAX_BIND_PARAMETERS + 1).fill(0)
    const builder = new QueryBuilder('x').params(many)
    expect(() => builder.build()).toThrow(/32768 values/)
  })

  it('derives a builder from a query', () => {
    const q = new QueryBuilder('SELECT $1').param(1).label('l').build()
    expect(QueryBuilder.from(q).timeout(10).build()).toEqual({
      sql: 'SELECT $1',
      params: [1],
      label: 'l',
      timeoutMs: 10,
    })
  })
})

describe('toQuery', () => {
  it('wraps plain SQL and passes built queries through', () => {
    expect(toQuery('SELECT 1')).toEqual({ sql: 'SELECT 1', params: [] })
    const q = new QueryBuilder('SELECT 1').build()
    expect(toQuery(q)).toBe(q)
    expect(Object.isFrozen(toQuery({ sql: 'SELECT $1', params: [1] }))).toBe(true)
    expect(() => toQuery({ sql: 'SELECT $1', params: [[1] as never] })).toThrow(ValidationError)
  })
})
