import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('EXPLAIN', () => {
  it('hands EXPLAIN [VERBOSE] of a query to the gateway, with the query translated', () => {
    expect(t('EXPLAIN SELECT TOP 3 a FROM t WHERE b = $2 AND c = $1')).toMatchObject({
      queryType: 'UTILITY',
      gatewayCommand: {
        type: 'explain',
        query: 'SELECT a FROM t WHERE b = $2 AND c = $1 LIMIT 3',
        verbose: false,
        parameters: 2,
      },
    })
    expect(t('explain verbose (select a from t)').gatewayCommand).toMatchObject({
      type: 'explain',
      query: '(select a from t)',
      verbose: true,
      parameters: 0,
    })
    expect(t('EXPLAIN WITH x AS (SELECT 1) SELECT * FROM x').gatewayCommand?.type).toBe('explain')
  })

  it('passes the error of a query Redshift refuses, and leaves what it cannot explain alone', () => {
    expect(t('EXPLAIN INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING').error?.sqlState).toBe('42601')
    expect(t('EXPLAIN ANALYZE SELECT 1').error).toMatchObject({
      sqlState: '0A000',
      message: expect.stringContaining('ANALYZE'),
    })
    expect(t('EXPLAIN CREATE TABLE x (a int)').gatewayCommand).toBeUndefined()
  })
})
