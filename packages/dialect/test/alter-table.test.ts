import { describe, expect, test } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (sql: string) => translateStatement(sql, ctx)

describe('Redshift ALTER TABLE forms', () => {
  test.each([
    ['alter table s.t alter diststyle even', { diststyle: 'EVEN', distkey: null }],
    ['ALTER TABLE t ALTER DISTSTYLE KEY DISTKEY id', { diststyle: 'KEY', distkey: 'id' }],
    ['alter table t alter distkey "Id"', { diststyle: 'KEY', distkey: 'Id' }],
    ['alter table t alter sortkey (a, b)', { sortkeyType: 'compound', sortkeys: ['a', 'b'] }],
    ['alter table t alter compound sortkey (a)', { sortkeyType: 'compound', sortkeys: ['a'] }],
    ['alter table t alter sortkey none', { sortkeyType: null, sortkeys: [] }],
    ['alter table t alter column c encode zstd', { encodings: { c: 'zstd' } }],
  ])('%s records the change and only checks the table on the engine', (sql, change) => {
    const r = t(sql)
    expect(r.error).toBeUndefined()
    expect(r.effect).toEqual({ type: 'alterTable', change: expect.objectContaining(change) })
    expect(r.sql).toMatch(/^SELECT FROM "?t"? LIMIT 0$|^SELECT FROM "s"\."t" LIMIT 0$/)
    expect(r.response).toEqual({ commandTag: 'ALTER TABLE', noRows: true })
  })

  test('APPEND FROM moves the rows in one statement', () => {
    const r = t('alter table sales append from staging.sales_new')
    expect(r.sql).toBe(
      'WITH rk_appended AS (DELETE FROM "staging"."sales_new" RETURNING *) INSERT INTO "sales" SELECT * FROM rk_appended',
    )
    expect(r.response).toEqual({ commandTag: 'ALTER TABLE APPEND' })
    expect(t('alter table a append from b ignoreextra').error).toMatchObject({ sqlState: '0A000' })
  })

  test('ADD COLUMN ... ENCODE loses its ENCODE; PostgreSQL forms pass through', () => {
    expect(t('alter table t add column c varchar(10) encode lzo').sql).toBe(
      'alter table t add column c varchar(10)',
    )
    expect(t('alter table t rename column a to b').sql).toBe('alter table t rename column a to b')
    expect(t('alter table t alter diststyle sideways').error).toMatchObject({ sqlState: '42601' })
  })
})
