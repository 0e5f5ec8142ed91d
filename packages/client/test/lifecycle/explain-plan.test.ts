import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors/index.js'
import { type PlanNode, QueryPlan } from '../../src/query/explain-plan.js'
import * as aws from './fixtures/redshift-plans.js'

const shape = (node: PlanNode): unknown => ({
  op: node.operation,
  ...(node.relation === null ? {} : { rel: node.relation }),
  ...(node.children.length === 0 ? {} : { children: node.children.map(shape) }),
})

describe('QueryPlan.parse on the AWS documentation plans', () => {
  it('reads a step: operation, relation, distribution, costs, rows, width, details', () => {
    const plan = QueryPlan.parse(aws.HASH_JOIN_BCAST)
    expect(plan.root).toMatchObject({
      operation: 'Hash Join',
      label: 'XN Hash Join DS_BCAST_INNER',
      layer: 'XN',
      distribution: 'DS_BCAST_INNER',
      relation: null,
      startupCost: 0.14,
      totalCost: 6600286.07,
      rows: 8798,
      width: 84,
      details: ['Hash Cond: ("outer".catid = "inner".catid)'],
      depth: 0,
    })
    expect(shape(plan.root)).toEqual({
      op: 'Hash Join',
      children: [
        { op: 'Seq Scan', rel: 'event' },
        { op: 'Hash', children: [{ op: 'Seq Scan', rel: 'category' }] },
      ],
    })
    expect(plan.root.children[1]?.children[0]?.depth).toBe(2)
    expect(plan.text).toBe(aws.HASH_JOIN_BCAST)
  })

  it('warns about DS_BCAST_INNER, naming the step', () => {
    const plan = QueryPlan.parse(aws.HASH_JOIN_BCAST)
    expect(plan.warnings.map((w) => w.code)).toEqual(['DS_BCAST_INNER'])
    expect(plan.warnings[0]?.node).toBe(plan.root)
    expect(plan.warnings[0]?.message).toMatch(/broadcast/)
  })

  it('has no warnings for a collocated merge join or a GROUP BY', () => {
    expect(QueryPlan.parse(aws.MERGE_JOIN).warnings).toEqual([])
    expect(QueryPlan.parse(aws.MERGE_JOIN).root.details).toEqual([
      'Merge Cond: ("outer".listid = "inner".listid)',
    ])
    const groupBy = QueryPlan.parse(aws.GROUP_BY)
    expect(shape(groupBy.root)).toEqual({ op: 'HashAggregate', children: [{ op: 'Seq Scan', rel: 'event' }] })
    expect(groupBy.warnings).toEqual([])
  })

  it('reads the leader steps and their detail lines', () => {
    const plan = QueryPlan.parse(aws.JOIN_AGGREGATE_SORT)
    const ops = plan.nodes().map((n) => n.operation)
    expect(ops).toEqual([
      'Merge',
      'Network',
      'Sort',
      'HashAggregate',
      'Hash Join',
      'Seq Scan',
      'Hash',
      'Seq Scan',
    ])
    expect(plan.root.details).toEqual(['Merge Key: sum(sales.pricepaid)'])
    expect(plan.root.children[0]?.details).toEqual(['Send to leader'])
    expect(plan.root.totalCost).toBe(1002815366606.36)
  })

  it('reads a seven-table plan printed with tabs in its indentation: five broadcasts', () => {
    const plan = QueryPlan.parse(aws.SEVEN_TABLES_BCAST)
    expect(plan.nodes()).toHaveLength(22)
    expect(plan.warnings.map((w) => w.code)).toEqual(Array(5).fill('DS_BCAST_INNER'))
    const scans = plan
      .nodes()
      .filter((n) => n.operation === 'Seq Scan')
      .map((n) => n.relation)
    expect(scans).toEqual(['listing', 'sales', 'event', 'venue', 'users', 'date', 'category'])
    // The merge join sits five joins deep, under the aggregate.
    const merge = plan.nodes().find((n) => n.operation === 'Merge Join')
    expect(merge).toMatchObject({ distribution: 'DS_DIST_NONE', depth: 9 })
    const hashAggregate = plan.nodes().find((n) => n.operation === 'HashAggregate')
    expect(hashAggregate?.details).toEqual(['Filter: (sum(pricepaid) > 9999.00)'])
    expect(hashAggregate?.children.map((c) => c.label)).toEqual(['XN Hash Join DS_BCAST_INNER'])
  })

  it('reads the same plan after DISTSTYLE ALL: no warnings left', () => {
    const plan = QueryPlan.parse(aws.SEVEN_TABLES_ALL)
    expect(plan.warnings).toEqual([])
    expect(plan.nodes().filter((n) => n.distribution === 'DS_DIST_ALL_NONE')).toHaveLength(5)
  })

  it('keeps a plan whose indentation was lost: the steps hang under the root', () => {
    const plan = QueryPlan.parse(aws.FLATTENED)
    expect(plan.root).toMatchObject({ operation: 'Hash Join', distribution: 'DS_DIST_OUTER', rows: 8712 })
    expect(plan.root.details).toEqual(['Hash Cond: ("outer".venueid = "inner".venueid)'])
    expect(plan.root.children.map((c) => c.relation ?? c.operation)).toEqual(['event', 'Hash', 'venue'])
  })

  it('reads secure scans with their alias, and a CTAS plan', () => {
    const rls = QueryPlan.parse(aws.RLS_SECURE_SCAN)
    expect(rls.root.children[0]).toMatchObject({ operation: 'RLS SecureScan', relation: 'f', alias: null })
    expect(rls.root.children[1]?.children[0]).toMatchObject({
      operation: 'Seq Scan',
      relation: 'dim_tbl',
      alias: 'd',
    })
    expect(rls.root.children[1]?.children[0]?.details).toEqual(['Filter: (("k" / 10) > 0)'])
    const ctas = QueryPlan.parse(aws.CTAS)
    expect(ctas.root).toMatchObject({
      operation: 'Seq Scan',
      relation: 'venue',
      details: ['Filter: (venueseats IS NOT NULL)'],
    })
  })
})

describe('QueryPlan.parse: warnings and Redshift notes', () => {
  // Constructed in Redshift's format (the documentation prints no plan with these labels).
  const constructed = ` XN Hash Right Join DS_DIST_BOTH  (cost=467.74..2739041017.39 rows=156 width=24)
   Outer Dist Key: p.fk_item
   Inner Dist Key: s.id_item
   Hash Cond: ("outer".fk_item = "inner".id_item)
   ->  XN Seq Scan on item_paid p  (cost=0.00..168.85 rows=16885 width=8)
   ->  XN Hash  (cost=3120022.56..3120022.56 rows=676 width=16)
         ->  XN Nested Loop DS_BCAST_INNER  (cost=0.00..3120022.56 rows=676 width=16)
               ->  XN Seq Scan on region  (cost=0.00..0.05 rows=5 width=8)
               ->  XN Hash Join DS_DIST_ALL_INNER  (cost=0.06..0.60 rows=25 width=8)
                     Hash Cond: ("outer".n_regionkey = "inner".r_regionkey)
                     ->  XN Seq Scan on nation  (cost=0.00..0.25 rows=25 width=8)
                     ->  XN Hash  (cost=0.05..0.05 rows=5 width=4)
                           ->  XN Seq Scan on region r2  (cost=0.00..0.05 rows=5 width=4)
----- Tables missing statistics: item_paid -----
----- Update statistics by running the ANALYZE command on these tables -----
----- Nested Loop Join in the query plan - review the join predicates to avoid Cartesian products -----`

  it('flags DS_DIST_BOTH, DS_DIST_ALL_INNER, DS_BCAST_INNER and the nested loop', () => {
    const plan = QueryPlan.parse(constructed)
    expect(plan.warnings.map((w) => `${w.code} ${w.node.operation}`)).toEqual([
      'DS_DIST_BOTH Hash Right Join',
      'DS_BCAST_INNER Nested Loop',
      'NESTED_LOOP Nested Loop',
      'DS_DIST_ALL_INNER Hash Join',
    ])
    expect(plan.root.details).toEqual([
      'Outer Dist Key: p.fk_item',
      'Inner Dist Key: s.id_item',
      'Hash Cond: ("outer".fk_item = "inner".id_item)',
    ])
  })

  it("keeps Redshift's own remarks as notes, out of the tree", () => {
    const plan = QueryPlan.parse(constructed)
    expect(plan.notes).toEqual([
      'Tables missing statistics: item_paid',
      'Update statistics by running the ANALYZE command on these tables',
      'Nested Loop Join in the query plan - review the join predicates to avoid Cartesian products',
    ])
    expect(
      plan
        .nodes()
        .flatMap((n) => n.details)
        .some((d) => d.includes('-----')),
    ).toBe(false)
  })

  it('reads plain PostgreSQL plans (no layer, no distribution)', () => {
    const plan = QueryPlan.parse(`Nested Loop  (cost=0.00..25478.85 rows=2034000 width=70)
  ->  Seq Scan on ex_b  (cost=0.00..32.60 rows=2260 width=8)
  ->  Materialize  (cost=0.00..23.50 rows=900 width=62)
        ->  Seq Scan on ex_a  (cost=0.00..19.00 rows=900 width=62)`)
    expect(plan.root).toMatchObject({ operation: 'Nested Loop', layer: null, distribution: null })
    expect(plan.warnings.map((w) => w.code)).toEqual(['NESTED_LOOP'])
  })

  it('refuses text that holds no plan', () => {
    expect(() => QueryPlan.parse('')).toThrow(ValidationError)
    expect(() => QueryPlan.parse('QUERY PLAN\n----\n(0 rows)')).toThrow(/no plan step/)
    expect(() => QueryPlan.parse(42 as unknown as string)).toThrow(ValidationError)
  })
})
