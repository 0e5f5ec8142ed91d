import type { TranslateContext } from '@redshift-kit/dialect'
import { describe, expect, test } from 'vitest'
import { DEFAULT_DIALECT, type Dialect } from '../../src/gateway/dialect-seam.js'
import { StatementCache } from '../../src/gateway/statement-cache.js'

const settings = {} as TranslateContext['settings']
const tctx = (lastQueryId: number): TranslateContext => ({ queryId: 2000, lastQueryId, settings })

function counting(): { dialect: Dialect; calls: () => number } {
  let calls = 0
  return {
    dialect: {
      splitStatements: (sql) => DEFAULT_DIALECT.splitStatements(sql),
      translateStatement: (sql, ctx) => {
        calls++
        return DEFAULT_DIALECT.translateStatement(sql, ctx)
      },
    },
    calls: () => calls,
  }
}

describe('StatementCache', () => {
  test('a text seen twice is translated no more, when its translation does not depend on the session', () => {
    const { dialect, calls } = counting()
    const cache = new StatementCache(dialect, false)
    const first = cache.prepare('select top 3 a from t', tctx(1))
    expect(first.sql).toBe('select a from t LIMIT 3')
    const second = cache.prepare('select top 3 a from t', tctx(2))
    expect(second).toEqual(first)
    expect(calls()).toBe(3) // once the first time; the second time once more under another context
    for (let i = 0; i < 5; i++) expect(cache.prepare('select top 3 a from t', tctx(i))).toBe(second)
    expect(calls()).toBe(3)
  })

  test('a translation that depends on the session is made every time', () => {
    const { dialect, calls } = counting()
    const cache = new StatementCache(dialect, false)
    const texts = [1, 2, 3, 4].map((id) => cache.prepare('select pg_last_query_id(), 1', tctx(id)).sql)
    expect(texts.map((s) => /\((\d+)\)/.exec(s)?.[1])).toEqual(['1', '2', '3', '4'])
    expect(calls()).toBe(5)
  })

  test('COPY and UNLOAD fail with 0A000 unless an executor runs them', () => {
    const without = new StatementCache(DEFAULT_DIALECT, false).prepare(
      "copy t from 's3://b/k' iam_role 'arn:aws:iam::1:role/r'",
      tctx(1),
    )
    expect(without.raise?.code).toBe('0A000')
    const withExecutor = new StatementCache(DEFAULT_DIALECT, true).prepare(
      "copy t from 's3://b/k' iam_role 'arn:aws:iam::1:role/r'",
      tctx(1),
    )
    expect(withExecutor.raise).toBeUndefined()
    expect(withExecutor.gatewayCommand?.type).toBe('copy')
  })

  test('split results are kept', () => {
    const cache = new StatementCache(DEFAULT_DIALECT, false)
    const parts = cache.split('select 1; select 2')
    expect(parts).toEqual(['select 1', 'select 2'])
    expect(cache.split('select 1; select 2')).toBe(parts)
  })
})
