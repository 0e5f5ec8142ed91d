/**
 * How Redshift's planner moves rows for a join, from where each side's rows are: collocated on the join
 * columns (DS_DIST_NONE), a DISTSTYLE ALL side (DS_DIST_ALL_NONE / DS_DIST_ALL_INNER), one side already
 * on its join column (the other is redistributed: DS_DIST_INNER / DS_DIST_OUTER), or neither (the inner
 * side is broadcast when it is small next to the outer, DS_BCAST_INNER, else both are redistributed,
 * DS_DIST_BOTH). See "Evaluating the query plan" in the Redshift Database Developer Guide.
 */
/** A table's recorded distribution: DISTSTYLE (EVEN, KEY, ALL, AUTO) and its DISTKEY column. */
export interface TableDistribution {
  readonly diststyle: string
  readonly distkey: string | null
}

/**
 * Where a step's rows are: on every node (`all`), hashed on columns (`key`: qualified `alias.column`
 * names, any of which equal the others), or spread in no known way (`none`: EVEN, AUTO, derived rows).
 */
export type Distribution =
  | { readonly kind: 'all' }
  | { readonly kind: 'key'; readonly columns: ReadonlySet<string> }
  | { readonly kind: 'none' }

/** The label of a join step, and where its result's rows are. */
export interface JoinDecision {
  readonly label:
    | 'DS_DIST_NONE'
    | 'DS_DIST_ALL_NONE'
    | 'DS_DIST_ALL_INNER'
    | 'DS_DIST_INNER'
    | 'DS_DIST_OUTER'
    | 'DS_BCAST_INNER'
    | 'DS_DIST_BOTH'
  readonly result: Distribution
}

/**
 * Broadcasting sends the inner rows to every node; redistributing both sides moves each row once.
 * Broadcast wins while the inner side times this (a modest cluster's node count) stays under both
 * sides' rows together.
 */
export const BROADCAST_NODES = 4

/** The distribution of a table scanned under `alias` (AUTO and unrecorded tables count as EVEN). */
export function scanDistribution(alias: string, table: TableDistribution | undefined): Distribution {
  const style = table?.diststyle.toUpperCase() ?? 'AUTO'
  if (style === 'ALL') return { kind: 'all' }
  if (style === 'KEY' && table?.distkey != null)
    return { kind: 'key', columns: new Set([`${alias}.${table.distkey}`]) }
  return { kind: 'none' }
}

const QUALIFIED = String.raw`((?:"[^"]+"|[A-Za-z_][\w$]*)\.(?:"[^"]+"|[A-Za-z_][\w$]*))`
const EQUALITY = new RegExp(`${QUALIFIED}\\)?(?:::[\\w ]+?)?\\s*=\\s*\\(?${QUALIFIED}`, 'g')

/** The column pairs a join condition equates (`(o.customer_id = c.id)` -> [['o.customer_id', 'c.id']]). */
export function joinPairs(condition: string): [string, string][] {
  const pairs: [string, string][] = []
  for (const m of condition.matchAll(EQUALITY)) pairs.push([unquote(m[1] as string), unquote(m[2] as string)])
  return pairs
}

function unquote(name: string): string {
  return name.replaceAll('"', '')
}

/**
 * The data movement of a join of `outer` and `inner` on `pairs` (either side of a pair may belong to
 * either input), with the planner's row estimates of both inputs.
 */
export function decideJoin(
  outer: Distribution,
  inner: Distribution,
  pairs: readonly (readonly [string, string])[],
  outerRows: number,
  innerRows: number,
): JoinDecision {
  if (inner.kind === 'all') return { label: 'DS_DIST_ALL_NONE', result: outer }
  if (outer.kind === 'all') return { label: 'DS_DIST_ALL_INNER', result: { kind: 'none' } }
  const outerCol = (c: string): boolean => outer.kind === 'key' && outer.columns.has(c)
  const innerCol = (c: string): boolean => inner.kind === 'key' && inner.columns.has(c)
  const oriented = pairs.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ])
  const collocated = oriented.find(([o, i]) => outerCol(o as string) && innerCol(i as string))
  if (collocated !== undefined) {
    return { label: 'DS_DIST_NONE', result: merge(outer, inner) }
  }
  // One side already sits on its join column: the other is redistributed on the column it is joined to.
  const onOuter = oriented.find(([o]) => outerCol(o as string))
  if (onOuter !== undefined)
    return { label: 'DS_DIST_INNER', result: merge(outer, key(onOuter[1] as string)) }
  const onInner = oriented.find(([, i]) => innerCol(i as string))
  if (onInner !== undefined)
    return { label: 'DS_DIST_OUTER', result: merge(inner, key(onInner[0] as string)) }
  const first = pairs[0]
  if (first === undefined || innerRows * BROADCAST_NODES <= outerRows + innerRows) {
    return { label: 'DS_BCAST_INNER', result: outer }
  }
  return { label: 'DS_DIST_BOTH', result: key(...first) }
}

function key(...columns: string[]): Distribution {
  return { kind: 'key', columns: new Set(columns) }
}

function merge(a: Distribution, b: Distribution): Distribution {
  const columns = new Set<string>()
  for (const d of [a, b]) if (d.kind === 'key') for (const c of d.columns) columns.add(c)
  return { kind: 'key', columns }
}
