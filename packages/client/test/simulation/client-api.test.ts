// Type-level checks (tsc runs them with the rest of the suite): both clients are a RedshiftClientApi,
// member for member, so application code can take either.
import { type RedshiftClient, RedshiftConfig } from '@redshift-kit/client'
import { MockRedshiftClient, type RedshiftClientApi } from '@redshift-kit/client/simulation'
import { describe, expect, expectTypeOf, it } from 'vitest'

describe('RedshiftClientApi', () => {
  it('is every public member of RedshiftClient, and both clients satisfy it', () => {
    expectTypeOf<keyof RedshiftClientApi>().toEqualTypeOf<keyof RedshiftClient>()
    expectTypeOf<RedshiftClient>().toExtend<RedshiftClientApi>()
    expectTypeOf<MockRedshiftClient>().toExtend<RedshiftClientApi>()
    expectTypeOf<MockRedshiftClient>().toExtend<RedshiftClient>()
  })

  it('lets application code take either client', async () => {
    async function countUsers(redshift: RedshiftClientApi): Promise<bigint> {
      const r = await redshift.executeQuery('SELECT COUNT(*) FROM users')
      return r.rows[0]?.get(0) as bigint
    }
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('FROM users', {
      columns: [{ name: 'count', dataType: 'BIGINT', typeOid: 20 }],
      rows: [[7n]],
    })
    expect(await countUsers(mock)).toBe(7n)
    // Every method of the real client exists on the mock at run time, too.
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(MockRedshiftClient.prototype)).filter(
      (m) => m !== 'constructor',
    )
    for (const m of methods) expect(typeof (mock as unknown as Record<string, unknown>)[m]).toBe('function')
    expect(mock.config).toBeInstanceOf(RedshiftConfig)
  })
})
