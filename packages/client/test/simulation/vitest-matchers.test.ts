import '@redshift-kit/client/simulation/vitest'
import { QueryResult } from '@redshift-kit/client'
import { MockRedshiftClient, simulationMatchers } from '@redshift-kit/client/simulation'
import { describe, expect, it } from 'vitest'

describe('vitest matchers', () => {
  it('toHaveExecuted, toHaveExecutedCount, toHaveExecutedNothing and their negations', async () => {
    const mock = new MockRedshiftClient()
    expect(mock).toHaveExecutedNothing()
    mock.setQueryResponse('FROM sales', QueryResult.singleValue(1))
    await mock.executeQuery('SELECT 1 FROM sales')
    await mock.executeQuery('SELECT 2 FROM sales')
    expect(mock).toHaveExecuted('SELECT.*FROM sales')
    expect(mock).toHaveExecuted(/^select 2/i, 1)
    expect(mock).not.toHaveExecuted('FROM users')
    expect(mock).toHaveExecutedCount(2)
    expect(mock).not.toHaveExecutedNothing()
  })

  it('fail with what was executed instead', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('.', QueryResult.singleValue(1))
    await mock.executeQuery('SELECT a FROM one')
    expect(() => expect(mock).toHaveExecuted('FROM two')).toThrow(
      /matching \/FROM two\/is.*none was.*1\. SELECT a FROM one -> succeeded/s,
    )
    expect(() => expect(mock).toHaveExecutedCount(3)).toThrow(
      /expected 3 statements to have been executed, but 1 was/,
    )
    expect(() => expect(mock).not.toHaveExecuted('FROM one')).toThrow(/expected no statements matching/)
    expect(() => expect({}).toHaveExecuted('x')).toThrow(/expected a MockRedshiftClient/)
  })

  it('are exported for other runners too', () => {
    expect(Object.keys(simulationMatchers)).toEqual([
      'toHaveExecuted',
      'toHaveExecutedCount',
      'toHaveExecutedNothing',
    ])
  })
})
