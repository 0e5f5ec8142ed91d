import type { PlanNode, QueryPlan } from '@redshift-kit/client'
import type { Painter } from './io.js'

/** Distribution steps that move data between nodes: worth the reader's eye. */
const COSTLY = new Set([
  'DS_BCAST_INNER',
  'DS_DIST_BOTH',
  'DS_DIST_ALL_INNER',
  'DS_DIST_INNER',
  'DS_DIST_OUTER',
])

function nodeLine(node: PlanNode, paint: Painter): string {
  const parts = [paint.bold(node.operation)]
  if (node.relation)
    parts.push(`on ${node.relation}${node.alias && node.alias !== node.relation ? ` ${node.alias}` : ''}`)
  if (node.distribution)
    parts.push(
      COSTLY.has(node.distribution) ? paint.yellow(node.distribution) : paint.green(node.distribution),
    )
  const cost =
    node.totalCost === null
      ? ''
      : paint.dim(
          `(cost=${node.startupCost ?? 0}..${node.totalCost}${node.rows === null ? '' : ` rows=${node.rows}`}${node.width === null ? '' : ` width=${node.width}`})`,
        )
  return `${parts.join(' ')}${cost ? `  ${cost}` : ''}`
}

/**
 * A plan as a tree with costs, distribution steps coloured (yellow for data movement), details under
 * their node, then the client's warnings.
 *
 * @example
 * process.stdout.write(renderPlan(plan, painter(process.stdout, process.env)))
 */
export function renderPlan(plan: QueryPlan, paint: Painter): string {
  const lines: string[] = []
  const walk = (node: PlanNode, prefix: string, last: boolean, root: boolean) => {
    lines.push(`${prefix}${root ? '' : last ? '└─ ' : '├─ '}${nodeLine(node, paint)}`)
    const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`
    for (const d of node.details)
      lines.push(`${childPrefix}${node.children.length ? '│  ' : '   '}${paint.dim(d)}`)
    node.children.forEach((c, i) => {
      walk(c, childPrefix, i === node.children.length - 1, false)
    })
  }
  walk(plan.root, '', true, true)
  if (plan.notes.length) lines.push('', ...plan.notes.map((n) => paint.dim(n)))
  if (plan.warnings.length) {
    lines.push('', paint.bold('Warnings:'))
    for (const w of plan.warnings) lines.push(`  ${paint.yellow('!')} ${w.code}: ${w.message}`)
  } else lines.push('', paint.green('No plan warnings.'))
  return `${lines.join('\n')}\n`
}
