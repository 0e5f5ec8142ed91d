import { ValidationError } from '../errors/client-errors.js'

/**
 * Redshift's data movement labels on join steps, best to worst (see the EXPLAIN documentation).
 *
 * @example
 * DISTRIBUTION_LABELS.indexOf('DS_DIST_NONE') < DISTRIBUTION_LABELS.indexOf('DS_BCAST_INNER') // true: cheaper first
 */
export const DISTRIBUTION_LABELS = [
  'DS_DIST_NONE',
  'DS_DIST_ALL_NONE',
  'DS_DIST_INNER',
  'DS_DIST_OUTER',
  'DS_DIST_ALL_INNER',
  'DS_BCAST_INNER',
  'DS_DIST_BOTH',
] as const

/**
 * How a join step moves data between slices.
 *
 * @example
 * const label: DistributionLabel | null = plan.root.distribution   // 'DS_DIST_NONE', ... or null
 */
export type DistributionLabel = (typeof DISTRIBUTION_LABELS)[number]

/**
 * What a {@link PlanWarning} is about.
 *
 * @example
 * const code: PlanWarningCode = 'NESTED_LOOP'
 * plan.warnings.some((w) => w.code === code)
 */
export type PlanWarningCode = 'DS_BCAST_INNER' | 'DS_DIST_BOTH' | 'DS_DIST_ALL_INNER' | 'NESTED_LOOP'

/**
 * A step of a plan worth a look: a broadcast or redistribution of both sides, or a nested loop.
 *
 * @example
 * for (const w of (await client.explainQuery(query)).warnings) console.warn(w.code, w.message)
 */
export interface PlanWarning {
  readonly code: PlanWarningCode
  readonly message: string
  /** The step it is about. */
  readonly node: PlanNode
}

/**
 * One step of a query plan. Costs are relative and cumulative up the tree; the final sort, merge
 * and network steps of a Redshift plan carry a constant offset of about 1e12 that is not real cost.
 *
 * @example
 * // from 'XN Hash Join DS_BCAST_INNER  (cost=0.14..6600286.07 rows=8798 width=84)'
 * node.operation     // 'Hash Join'
 * node.distribution  // 'DS_BCAST_INNER'
 * node.totalCost     // 6600286.07
 * node.details       // ['Hash Cond: ("outer".catid = "inner".catid)']
 */
export interface PlanNode {
  /** The step without its layer, relation and distribution: `Seq Scan`, `Hash Join`, `HashAggregate`, ... */
  readonly operation: string
  /** The step's line as printed, without the `->` and the costs. */
  readonly label: string
  /** `XN` (compute nodes), `S3` (Spectrum), `LD` (leader), or null (plain PostgreSQL plans). */
  readonly layer: string | null
  /** The table (or subquery) it reads, when it reads one. */
  readonly relation: string | null
  /** The alias the relation is read under, when there is one. */
  readonly alias: string | null
  readonly distribution: DistributionLabel | null
  readonly startupCost: number | null
  readonly totalCost: number | null
  readonly rows: number | null
  /** Estimated average row width in bytes. */
  readonly width: number | null
  /** The lines printed under the step: `Hash Cond: ...`, `Filter: ...`, `Sort Key: ...`, `Send to leader`. */
  readonly details: readonly string[]
  readonly children: readonly PlanNode[]
  /** 0 for the root. */
  readonly depth: number
}

interface MutableNode {
  operation: string
  label: string
  layer: string | null
  relation: string | null
  alias: string | null
  distribution: DistributionLabel | null
  startupCost: number | null
  totalCost: number | null
  rows: number | null
  width: number | null
  details: string[]
  children: MutableNode[]
  depth: number
}

const COSTS = /\s*\(cost=([\d.]+)\.\.([\d.]+) rows=(\d+) width=(\d+)\)\s*$/
const LAYER = /^(XN|S3|LD)\s+/
const DISTRIBUTION = new RegExp(`\\s+(${DISTRIBUTION_LABELS.join('|')})(?=\\s|$)`)
const SCAN_TARGET = /^(.*?(?:Scan|SecureScan))\s+(\S.*)$/
const SERVER_NOTE = /^-{3,}\s*(.*?)\s*-{3,}$/
const FOOTER = /^\(\d+ rows?\)$/

function readNode(text: string): MutableNode {
  let label = text
  let startupCost: number | null = null
  let totalCost: number | null = null
  let rows: number | null = null
  let width: number | null = null
  const costs = COSTS.exec(label)
  if (costs !== null) {
    startupCost = Number(costs[1])
    totalCost = Number(costs[2])
    rows = Number(costs[3])
    width = Number(costs[4])
    label = label.slice(0, costs.index)
  }
  label = label.trim()
  let rest = label
  const layer = LAYER.exec(rest)?.[1] ?? null
  if (layer !== null) rest = rest.replace(LAYER, '')
  const dist = DISTRIBUTION.exec(rest)
  const distribution = (dist?.[1] as DistributionLabel | undefined) ?? null
  if (dist !== null) rest = `${rest.slice(0, dist.index)}${rest.slice(dist.index + dist[0].length)}`.trim()
  let operation = rest
  let target: string | null = null
  const on = rest.indexOf(' on ')
  if (on !== -1) {
    operation = rest.slice(0, on)
    target = rest.slice(on + 4).trim()
  } else {
    const scan = SCAN_TARGET.exec(rest)
    if (scan !== null) {
      operation = scan[1] as string
      target = (scan[2] as string).trim()
    }
  }
  let relation: string | null = null
  let alias: string | null = null
  if (target !== null && target !== '') {
    // `sales s`, `"*SELECT* 1"`, `spectrum.sales location:"s3://..." format:PARQUET`
    const parts = /^("[^"]*"|\S+)(?:\s+(?!location:|format:)("[^"]*"|\S+))?/.exec(target)
    relation = parts?.[1] ?? target
    alias = parts?.[2] ?? null
  }
  return {
    operation: operation.trim(),
    label,
    layer,
    relation,
    alias,
    distribution,
    startupCost,
    totalCost,
    rows,
    width,
    details: [],
    children: [],
    depth: 0,
  }
}

function freeze(node: MutableNode, depth: number): PlanNode {
  return Object.freeze({
    ...node,
    depth,
    details: Object.freeze([...node.details]),
    children: Object.freeze(node.children.map((c) => freeze(c, depth + 1))),
  })
}

const WARNING_TEXT: Readonly<Record<PlanWarningCode, string>> = {
  DS_BCAST_INNER:
    'the inner table is broadcast to every node; consider DISTSTYLE ALL for it, or distribution keys on the join columns',
  DS_DIST_BOTH:
    'both tables are redistributed; consider a distribution key on the join column of one of them',
  DS_DIST_ALL_INNER:
    'the whole inner table goes to one slice (the outer table is DISTSTYLE ALL): the join runs serially',
  NESTED_LOOP: 'a nested loop join, usually a missing or non-equality join condition (a Cartesian product)',
}

/**
 * A query plan: the tree of steps EXPLAIN printed, the text itself, and warnings for the steps that
 * usually make a Redshift query slow (DS_BCAST_INNER, DS_DIST_BOTH, DS_DIST_ALL_INNER, nested loops).
 * `client.explainQuery(query)` runs EXPLAIN; `QueryPlan.parse(text)` reads EXPLAIN text obtained
 * elsewhere (the console, STL_EXPLAIN, a log).
 *
 * @example
 * const plan = QueryPlan.parse(`XN Hash Join DS_BCAST_INNER  (cost=0.14..6600286.07 rows=8798 width=84)
 *   Hash Cond: ("outer".catid = "inner".catid)
 *   ->  XN Seq Scan on event  (cost=0.00..87.98 rows=8798 width=35)
 *   ->  XN Hash  (cost=0.11..0.11 rows=11 width=49)
 *         ->  XN Seq Scan on category  (cost=0.00..0.11 rows=11 width=49)`)
 * plan.root.children[1]?.children[0]?.relation  // 'category'
 * plan.warnings[0]?.code                         // 'DS_BCAST_INNER'
 */
export class QueryPlan {
  readonly root: PlanNode
  /** The EXPLAIN output as received. */
  readonly text: string
  readonly warnings: readonly PlanWarning[]
  /** Redshift's own remarks under the plan (`----- Tables missing statistics: ... -----`). */
  readonly notes: readonly string[]

  private constructor(root: PlanNode, text: string, notes: readonly string[]) {
    this.root = root
    this.text = text
    this.notes = Object.freeze([...notes])
    const warnings: PlanWarning[] = []
    for (const node of walk(root)) {
      const d = node.distribution
      if (d === 'DS_BCAST_INNER' || d === 'DS_DIST_BOTH' || d === 'DS_DIST_ALL_INNER') {
        warnings.push(Object.freeze({ code: d, message: `${node.label}: ${WARNING_TEXT[d]}`, node }))
      }
      if (/\bNested Loop\b/i.test(node.operation)) {
        warnings.push(
          Object.freeze({
            code: 'NESTED_LOOP' as const,
            message: `${node.label}: ${WARNING_TEXT.NESTED_LOOP}`,
            node,
          }),
        )
      }
    }
    this.warnings = Object.freeze(warnings)
    Object.freeze(this)
  }

  /** Every step, root first, then each child's subtree in order. */
  nodes(): PlanNode[] {
    return [...walk(this.root)]
  }

  /**
   * Reads EXPLAIN text (one line per row of `QUERY PLAN`; a header, dashes and a `(n rows)` footer are
   * skipped). A step's parent is the nearest step above it that is indented less; detail lines belong
   * to the step above them. Throws `ValidationError` when the text holds no plan step.
   */
  static parse(text: string): QueryPlan {
    if (typeof text !== 'string') {
      throw new ValidationError('QueryPlan.parse needs the EXPLAIN output as a string', {
        problems: [{ field: 'text', message: `must be a string, got ${typeof text}` }],
      })
    }
    let root: MutableNode | undefined
    let last: MutableNode | undefined
    const stack: { indent: number; node: MutableNode }[] = []
    const notes: string[] = []
    for (const raw of text.split(/\r?\n/)) {
      // AWS's own examples mix tabs into the indentation; only spaces carry the depth.
      const line = raw.replace(/^[\t ]+/, (lead) => lead.replaceAll('\t', ''))
      const content = line.trim()
      if (content === '' || /^QUERY PLAN$/i.test(content) || /^-+$/.test(content) || FOOTER.test(content))
        continue
      const note = SERVER_NOTE.exec(content)
      if (note !== null) {
        notes.push(note[1] as string)
        continue
      }
      const indent = line.length - line.trimStart().length
      const isChild = content.startsWith('->')
      if (!isChild && (root === undefined ? !COSTS.test(content) && !LAYER.test(content) : true)) {
        // A detail line, or (before the root) EXPLAIN VERBOSE's node dump: kept with its step only.
        if (last !== undefined) last.details.push(content)
        continue
      }
      const node = readNode(isChild ? content.slice(2).trim() : content)
      if (!isChild || root === undefined) {
        root = node
        stack.length = 0
        stack.push({ indent, node })
        last = node
        continue
      }
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop()
      // Indentation lost (some printed examples): the step hangs under the root.
      const parent = stack[stack.length - 1]?.node ?? root
      parent.children.push(node)
      if (stack.length === 0) stack.push({ indent: -1, node: root })
      stack.push({ indent, node })
      last = node
    }
    if (root === undefined) {
      throw new ValidationError('not EXPLAIN output: no plan step found', {
        problems: [
          {
            field: 'text',
            message: 'expected lines such as "XN Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)"',
          },
        ],
      })
    }
    return new QueryPlan(freeze(root, 0), text, notes)
  }
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.children) yield* walk(child)
}
