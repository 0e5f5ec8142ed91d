import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('QUALIFY', () => {
  it('SELECT * over one aliased relation filters on its whole row', () => {
    expect(
      t(`select * from store_sales ss where ss_sold_time > time '12:00:00'
qualify row_number() over (partition by ss_sold_date order by ss_sales_price desc) <= 2`).sql,
    ).toBe(
      `SELECT (rk_q.rk_row).* FROM (SELECT "ss" AS rk_row, (row_number() over (partition by ss_sold_date order by ss_sales_price desc) <= 2) AS rk_qualify from store_sales ss where ss_sold_time > time '12:00:00') AS rk_q WHERE rk_q.rk_qualify`,
    )
  })

  it('a named select list: the condition may use its aliases; ORDER BY and LIMIT come after the filter', () => {
    expect(
      t(
        'SELECT item, ROW_NUMBER() OVER (PARTITION BY d ORDER BY price DESC) AS rn FROM s QUALIFY rn = 1 ORDER BY item LIMIT 5',
      ).sql,
    ).toBe(
      'SELECT rk_q."item", rk_q."rn" FROM (SELECT item AS "item", ROW_NUMBER() OVER (PARTITION BY d ORDER BY price DESC) AS "rn" FROM s) AS rk_q WHERE (rn = 1) ORDER BY item LIMIT 5',
    )
    expect(
      t('select s.a, count(*) from s group by s.a qualify rank() over (order by count(*)) = 1').sql,
    ).toBe(
      'SELECT rk_q."a", rk_q."count" FROM (SELECT s.a AS "a", count(*) AS "count", (rank() over (order by count(*)) = 1) AS rk_qualify from s group by s.a) AS rk_q WHERE rk_q.rk_qualify',
    )
  })

  it('nested in a subquery, with TOP, and inside a string it is left alone', () => {
    expect(t('select x from (select top 1 a as x from s qualify a > 1) q').sql).toBe(
      'select x from (SELECT rk_q."x" FROM (SELECT a AS "x", (a > 1) AS rk_qualify from s) AS rk_q WHERE rk_q.rk_qualify LIMIT 1) q',
    )
    const text = "select 'qualify' as qualify_word from s"
    expect(t(text).sql).toBe(text)
  })

  it('what cannot be rewritten fails with a message instead of running', () => {
    expect(t('select * from a join b on a.id = b.id qualify row_number() over () = 1').error).toMatchObject({
      sqlState: '0A000',
      message: expect.stringContaining('several relations'),
    })
    expect(t('select a, a from s qualify row_number() over () = 1').error?.message).toContain(
      'distinct column names',
    )
  })
})
