/**
 * Prints an engine plan (PostgreSQL's `EXPLAIN (VERBOSE, FORMAT JSON)`) the way Redshift prints its
 * plans: steps on the compute nodes prefixed `XN`, joins labelled with the data movement Redshift's
 * planner would choose from the tables' DISTSTYLE / DISTKEY, and an ORDER BY finished by
 * `XN Merge` / `XN Network` (`Send to leader`) / `XN Sort` carrying Redshift's 1e12 cost offset.
 */
import {
  type Distribution,
  decideJoin,
  type JoinDecision,
  joinPairs,
  scanDistribution,
  type TableDistribution,
} from './distribution.js'

/** A node of PostgreSQL's JSON plan (the fields used here). */
export interface EnginePlanNode {
  readonly 'Node Type': string
  readonly Strategy?: string
  readonly 'Join Type'?: string
  readonly 'Parent Relationship'?: string
  readonly 'Relation Name'?: string
  readonly Schema?: string
  readonly Alias?: string
  readonly 'Subplan Name'?: string
  readonly 'CTE Name'?: string
  readonly 'Function Name'?: string
  readonly 'Startup Cost': number
  readonly 'Total Cost': number
  readonly 'Plan Rows': number
  readonly 'Plan Width': number
  readonly Output?: readonly string[]
  readonly Filter?: string
  readonly 'Index Cond'?: string
  readonly 'Recheck Cond'?: string
  readonly 'Hash Cond'?: string
  readonly 'Merge Cond'?: string
  readonly 'Join Filter'?: string
  readonly 'One-Time Filter'?: string
  readonly 'Sort Key'?: readonly string[]
  readonly 'Group Key'?: readonly string[]
  readonly Plans?: readonly EnginePlanNode[]
}

/** Looks up a table's distribution by schema and name; undefined when none is recorded (AUTO). */
export type DistributionLookup = (schema: string, table: string) => TableDistribution | undefined

/** Redshift adds this to the costs of the steps that finish a sorted result on the leader. */
const LEADER_COST_OFFSET = 1_000_000_000_000

/** Engine steps with no Redshift counterpart: their child is printed in their place. */
const TRANSPARENT = new Set(['Gather', 'Gather Merge', 'Memoize', 'ModifyTable', 'LockRows'])

const SCANS = new Set([
  'Seq Scan',
  'Index Scan',
  'Index Only Scan',
  'Bitmap Heap Scan',
  'Tid Scan',
  'Sample Scan',
])

interface Step {
  readonly label: string
  readonly cost: readonly [number, number, number, number]
  readonly details: readonly string[]
  readonly children: readonly Step[]
}

interface Printed {
  readonly step: Step
  readonly distribution: Distribution
}

/**
 * The plan's lines, root first, as Redshift's EXPLAIN returns them (one row each).
 *
 * @example
 * renderRedshiftPlan(plan, (schema, table) => attributes.get(`${schema}.${table}`), false)
 * // ['XN Hash Join DS_BCAST_INNER  (cost=...)', '  Hash Cond: (...)', '  ->  XN Seq Scan on sales s  (cost=...)', ...]
 */
export function renderRedshiftPlan(
  root: EnginePlanNode,
  lookup: DistributionLookup,
  verbose: boolean,
): string[] {
  const top = finishOnLeader(convert(root, lookup, verbose).step)
  const lines: string[] = []
  print(top, 0, lines)
  return lines
}

function convert(node: EnginePlanNode, lookup: DistributionLookup, verbose: boolean): Printed {
  const type = node['Node Type']
  const plans = (node.Plans ?? []).filter((p) => p['Node Type'] !== 'Bitmap Index Scan')
  if (TRANSPARENT.has(type) && plans.length === 1) return convert(plans[0] as EnginePlanNode, lookup, verbose)
  const children = plans.map((p) => convert(p, lookup, verbose))
  const details: string[] = []
  const detail = (name: string, value: string | readonly string[] | undefined, as = name): void => {
    if (value === undefined) return
    details.push(`${as}: ${typeof value === 'string' ? value : value.join(', ')}`)
  }
  let label: string
  let distribution: Distribution = children[0]?.distribution ?? { kind: 'none' }
  if (SCANS.has(type)) {
    const relation = node['Relation Name'] ?? '?'
    label = `Seq Scan on ${relation}${aliasSuffix(node.Alias, relation)}`
    distribution = scanDistribution(node.Alias ?? relation, lookup(node.Schema ?? '', relation))
    // No indexes on Redshift: what the engine looked up through one is a filter of the scan.
    detail(
      'Filter',
      [node['Index Cond'], node['Recheck Cond'], node.Filter].filter(isString).join(' AND ') || undefined,
    )
  } else if (type === 'Hash Join' || type === 'Merge Join' || type === 'Nested Loop') {
    const decision = join(node, children)
    label = `${joinName(type, node['Join Type'])} ${decision.label}`
    distribution = decision.result
    detail('Hash Cond', node['Hash Cond'])
    detail('Merge Cond', node['Merge Cond'])
    detail('Join Filter', node['Join Filter'])
    detail('Filter', node.Filter)
  } else {
    label = stepName(node)
    if (type === 'Aggregate') distribution = afterAggregate(distribution, node['Group Key'])
    if (
      type === 'Subquery Scan' ||
      type === 'CTE Scan' ||
      type === 'Function Scan' ||
      type === 'Values Scan'
    ) {
      distribution = { kind: 'none' }
    }
    detail('Sort Key', node['Sort Key'])
    detail('Filter', node.Filter)
    detail('One-Time Filter', node['One-Time Filter'])
  }
  if (verbose) detail('Output', node.Output)
  return {
    step: {
      label: `XN ${label}`,
      cost: [node['Startup Cost'], node['Total Cost'], node['Plan Rows'], node['Plan Width']],
      details,
      children: children.map((c) => c.step),
    },
    distribution,
  }
}

function join(node: EnginePlanNode, children: readonly Printed[]): JoinDecision {
  const outer = children[0]
  const inner = children[1]
  const cond = node['Hash Cond'] ?? node['Merge Cond'] ?? node['Join Filter'] ?? ''
  const innerNode = node.Plans?.[1]
  const innerRows =
    innerNode?.['Node Type'] === 'Hash' ? innerNode.Plans?.[0]?.['Plan Rows'] : innerNode?.['Plan Rows']
  return decideJoin(
    outer?.distribution ?? { kind: 'none' },
    inner?.distribution ?? { kind: 'none' },
    joinPairs(cond),
    node.Plans?.[0]?.['Plan Rows'] ?? 0,
    innerRows ?? 0,
  )
}

function joinName(type: string, joinType: string | undefined): string {
  const kind = joinType === undefined || joinType === 'Inner' ? '' : `${joinType} `
  if (type === 'Nested Loop') return kind === '' ? 'Nested Loop' : `Nested Loop ${kind}Join`
  return `${type.replace(/ Join$/, '')} ${kind}Join`
}

function stepName(node: EnginePlanNode): string {
  const type = node['Node Type']
  switch (type) {
    case 'Aggregate':
      return node.Strategy === 'Hashed' || node.Strategy === 'Mixed'
        ? 'HashAggregate'
        : node.Strategy === 'Sorted'
          ? 'GroupAggregate'
          : 'Aggregate'
    case 'Incremental Sort':
      return 'Sort'
    case 'WindowAgg':
      return 'Window'
    case 'Subquery Scan':
      return `Subquery Scan ${node.Alias ?? ''}`.trimEnd()
    case 'CTE Scan':
      return `Subquery Scan ${node.Alias ?? node['CTE Name'] ?? ''}`.trimEnd()
    case 'Function Scan':
      return `Function Scan on ${node['Function Name'] ?? '?'}${aliasSuffix(node.Alias, node['Function Name'])}`
    default:
      return type
  }
}

function aliasSuffix(alias: string | undefined, name: string | undefined): string {
  return alias === undefined || alias === name ? '' : ` ${alias}`
}

function isString(v: string | undefined): v is string {
  return v !== undefined
}

/** Grouping on the distribution key keeps the rows where they are; otherwise they move (unknown). */
function afterAggregate(d: Distribution, groupKey: readonly string[] | undefined): Distribution {
  if (d.kind !== 'key' || groupKey === undefined) return d.kind === 'all' ? d : { kind: 'none' }
  return groupKey.some((g) => d.columns.has(g)) ? d : { kind: 'none' }
}

/**
 * A sorted result is sorted on each slice, sent to the leader and merged there: Redshift prints the
 * three steps (under a top-level Limit, if any) with a constant 1e12 added to their costs.
 */
function finishOnLeader(top: Step): Step {
  if (top.label === 'XN Limit' && top.children.length === 1) {
    const child = top.children[0] as Step
    const finished = finishOnLeader(child)
    if (finished === child) return top
    return { ...top, cost: offset(top.cost), children: [finished] }
  }
  if (top.label !== 'XN Sort') return top
  const sort = { ...top, cost: offset(top.cost) }
  const sortKey = top.details.find((d) => d.startsWith('Sort Key: '))
  const network: Step = {
    label: 'XN Network',
    cost: sort.cost,
    details: ['Send to leader'],
    children: [sort],
  }
  return {
    label: 'XN Merge',
    cost: sort.cost,
    details: sortKey === undefined ? [] : [sortKey.replace('Sort Key: ', 'Merge Key: ')],
    children: [network],
  }
}

function offset(cost: Step['cost']): Step['cost'] {
  return [cost[0] + LEADER_COST_OFFSET, cost[1] + LEADER_COST_OFFSET, cost[2], cost[3]]
}

function print(step: Step, depth: number, lines: string[]): void {
  const [startup, total, rows, width] = step.cost
  const costs = `  (cost=${startup.toFixed(2)}..${total.toFixed(2)} rows=${rows} width=${width})`
  lines.push(
    depth === 0 ? `${step.label}${costs}` : `${' '.repeat(2 + 6 * (depth - 1))}->  ${step.label}${costs}`,
  )
  const pad = ' '.repeat(2 + 6 * depth)
  for (const d of step.details) lines.push(`${pad}${d}`)
  for (const c of step.children) print(c, depth + 1, lines)
}
