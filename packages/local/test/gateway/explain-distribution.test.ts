import { describe, expect, it } from 'vitest'
import { decideJoin, joinPairs, scanDistribution } from '../../src/gateway/explain/distribution.js'
import { renderRedshiftPlan } from '../../src/gateway/explain/redshift-plan.js'

const key = (alias: string, col: string) => scanDistribution(alias, { diststyle: 'KEY', distkey: col })
const even = scanDistribution('x', { diststyle: 'EVEN', distkey: null })
const all = scanDistribution('a', { diststyle: 'ALL', distkey: null })
const on = joinPairs('(o.k = i.k)')

describe('join data movement', () => {
  it('reads the equated columns of a condition, casts and quotes included', () => {
    expect(joinPairs('((o.a = i.b) AND ((o."Mixed")::text = (i.c)::text))')).toEqual([
      ['o.a', 'i.b'],
      ['o.Mixed', 'i.c'],
    ])
  })

  it('decides as Redshift does from where each side is', () => {
    expect(decideJoin(key('o', 'k'), key('i', 'k'), on, 10, 10).label).toBe('DS_DIST_NONE')
    expect(decideJoin(key('o', 'k'), all, on, 10, 10).label).toBe('DS_DIST_ALL_NONE')
    expect(decideJoin(all, key('i', 'k'), on, 10, 10).label).toBe('DS_DIST_ALL_INNER')
    expect(decideJoin(key('o', 'k'), even, on, 10, 10).label).toBe('DS_DIST_INNER')
    expect(decideJoin(even, key('i', 'k'), on, 10, 10).label).toBe('DS_DIST_OUTER')
    expect(decideJoin(key('o', 'other'), even, on, 1000, 10).label).toBe('DS_BCAST_INNER')
    expect(decideJoin(even, even, on, 1000, 1000).label).toBe('DS_DIST_BOTH')
    expect(decideJoin(even, even, [], 1000, 1000).label).toBe('DS_BCAST_INNER')
  })

  it('keeps track of where a join result is, so the next join is judged on it', () => {
    const first = decideJoin(key('o', 'k'), even, joinPairs('(o.k = i.k)'), 10, 10)
    // The redistributed inner now sits on i.k as well: a join on it is collocated.
    expect(decideJoin(first.result, key('z', 'k'), joinPairs('(i.k = z.k)'), 10, 10).label).toBe(
      'DS_DIST_NONE',
    )
  })
})

describe('renderRedshiftPlan', () => {
  it('prints an index scan as a filtered sequential scan, without engine-only steps', () => {
    const lines = renderRedshiftPlan(
      {
        'Node Type': 'Gather',
        'Startup Cost': 0,
        'Total Cost': 9,
        'Plan Rows': 1,
        'Plan Width': 4,
        Plans: [
          {
            'Node Type': 'Index Scan',
            'Relation Name': 't',
            Schema: 'public',
            Alias: 't',
            'Index Cond': '(t.id = 1)',
            'Startup Cost': 0.15,
            'Total Cost': 8.17,
            'Plan Rows': 1,
            'Plan Width': 4,
          },
        ],
      },
      () => undefined,
      false,
    )
    expect(lines).toEqual(['XN Seq Scan on t  (cost=0.15..8.17 rows=1 width=4)', '  Filter: (t.id = 1)'])
  })
})
