import { describe, expect, it } from 'vitest'
import { StatementCache } from '../../src/transport/wire/statement-cache.js'
import {
  leadingKeyword,
  StatementTraitsCache,
  statementTraits,
} from '../../src/transport/wire/statement-traits.js'

const absent = () => 'absent' as const

describe('statement cache (names per connection)', () => {
  it('names a text on its threshold-th use, then keeps the name', () => {
    const cache = new StatementCache({ capacity: 10, threshold: 2, prefix: 'rka_' })
    expect(cache.nameFor('SELECT $1', absent)).toBeUndefined()
    expect(cache.nameFor('SELECT $1', absent)).toBe('rka_1')
    expect(cache.nameFor('SELECT $1', () => 'parsed')).toBe('rka_1')
    expect(cache.nameFor('SELECT $2', absent)).toBeUndefined()
    expect(cache.owns('rka_1')).toBe(true)
    expect(cache.owns('rk_1_user')).toBe(false)
  })

  it('runs a text unnamed while its named parse is still in flight', () => {
    const cache = new StatementCache({ capacity: 10, threshold: 1, prefix: 'rka_' })
    expect(cache.nameFor('SELECT 1', absent)).toBe('rka_1')
    expect(cache.nameFor('SELECT 1', () => 'pending')).toBeUndefined()
    // A parse that failed leaves the name absent: it is parsed by name again.
    expect(cache.nameFor('SELECT 1', absent)).toBe('rka_1')
  })

  it('hands back the least recently used names to close when full, each once', () => {
    const cache = new StatementCache({ capacity: 2, threshold: 1, prefix: 'rka_' })
    cache.nameFor('a', absent) // rka_1
    cache.nameFor('b', absent) // rka_2
    cache.nameFor('a', absent) // a is now the most recent
    cache.nameFor('c', absent) // drops b
    expect(cache.takeClosing()).toEqual(['rka_2'])
    expect(cache.takeClosing()).toEqual([])
    expect(cache.nameFor('a', () => 'parsed')).toBe('rka_1')
  })

  it('evicts one text or all of them, to be parsed afresh', () => {
    const cache = new StatementCache({ capacity: 10, threshold: 1, prefix: 'rka_' })
    cache.nameFor('a', absent)
    cache.nameFor('b', absent)
    cache.evict('a')
    expect(cache.takeClosing()).toEqual(['rka_1'])
    expect(cache.nameFor('a', absent)).toBe('rka_3')
    cache.clear()
    expect([...cache.takeClosing()].sort()).toEqual(['rka_2', 'rka_3'])
    expect(cache.nameFor('b', absent)).toBe('rka_4')
  })
})

describe('statement traits', () => {
  it('finds the leading keyword past blanks, comments and parentheses', () => {
    expect(leadingKeyword('  -- note\n /* c */ (select 1)')).toBe('SELECT')
    expect(leadingKeyword('insert into t values (1)')).toBe('INSERT')
    expect(leadingKeyword('')).toBe('')
    expect(leadingKeyword('$1')).toBe('')
  })

  it('shares and names single row statements only', () => {
    expect(statementTraits('SELECT $1')).toEqual({ nameable: true, shareable: true })
    expect(statementTraits('UPDATE t SET a = 1;')).toEqual({ nameable: true, shareable: true })
    expect(statementTraits('SHOW statement_timeout')).toEqual({ nameable: false, shareable: true })
    for (const sql of [
      'BEGIN',
      'SET query_group TO x',
      'CREATE TABLE t (a int)',
      'COPY t FROM x',
      'VACUUM',
    ]) {
      expect(statementTraits(sql)).toEqual({ nameable: false, shareable: false })
    }
    expect(statementTraits('SELECT 1; SET query_group TO x')).toEqual({ nameable: false, shareable: false })
    expect(statementTraits("SELECT ';' AS semi")).toEqual({ nameable: true, shareable: true })
  })

  it('never names a statement that reads pg_last_query_id() (its value must be read at each run)', () => {
    expect(statementTraits('SELECT pg_last_query_id()')).toEqual({ nameable: false, shareable: true })
  })

  it('remembers traits per text within its capacity', () => {
    const cache = new StatementTraitsCache(2)
    const first = cache.get('SELECT 1')
    expect(cache.get('SELECT 1')).toBe(first)
    cache.get('SELECT 2')
    cache.get('SELECT 3')
    expect(cache.get('SELECT 1')).not.toBe(first)
    expect(cache.get('SELECT 1')).toEqual(first)
  })
})
