/**
 * EXPLAIN as the gateway runs it: the engine plans the (translated) query on the client's own session,
 * with its parameters, search path and rights; the tables' recorded DISTSTYLE / DISTKEY decide the
 * joins' data movement; the plan comes back as Redshift prints it, one `QUERY PLAN` row per line.
 */
import type { GatewayCommand } from '@redshift-kit/dialect'
import { type CommandContext, type CommandOutcome, GatewayCommandError } from '../command-executor.js'
import type { TableDistribution } from './distribution.js'
import { type EnginePlanNode, renderRedshiftPlan } from './redshift-plan.js'

const TEXT_OID = 25

/** Present in every database the compat layer was installed in; checked so a missing one never fails. */
const HAS_ATTRIBUTES = "SELECT pg_catalog.to_regclass('rk_internal.table_attributes_visible') IS NOT NULL"

const ATTRIBUTES = `SELECT n.nspname, c.relname, v.diststyle, v.distkey
FROM rk_internal.table_attributes_visible v
JOIN pg_catalog.pg_class c ON c.oid = v.table_oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE pg_catalog.json_build_array(n.nspname, c.relname)::text = ANY (
  SELECT pg_catalog.json_build_array(e->>0, e->>1)::text FROM pg_catalog.json_array_elements($1::json) AS e)`

/**
 * Runs `command` (an EXPLAIN) in `ctx`'s session with the Bind's `parameters`.
 *
 * @example
 * const outcome = await runExplain({ type: 'explain', query: 'SELECT 1', verbose: false, parameters: 0 }, ctx, [])
 * outcome.rows?.values[0] // ['XN Result  (cost=0.00..0.01 rows=1 width=4)']
 */
export async function runExplain(
  command: Extract<GatewayCommand, { type: 'explain' }>,
  ctx: CommandContext,
  parameters: readonly (string | null)[] | 'binary',
): Promise<CommandOutcome> {
  if (parameters === 'binary') {
    throw new GatewayCommandError(
      '0A000',
      'EXPLAIN with parameters in binary format is not supported by redshift-local: send them as text',
    )
  }
  const planned = await ctx.query(`EXPLAIN (VERBOSE, FORMAT JSON) ${command.query}`, parameters)
  const root = readPlan(planned.rows[0]?.[0] ?? null)
  const tables = new Map<string, TableDistribution>()
  const scanned = relations(root)
  if (scanned.length > 0 && (await ctx.query(HAS_ATTRIBUTES)).rows[0]?.[0] === 't') {
    const found = await ctx.query(ATTRIBUTES, [JSON.stringify(scanned)])
    for (const [schema, table, diststyle, distkey] of found.rows) {
      tables.set(JSON.stringify([schema, table]), {
        diststyle: diststyle ?? 'AUTO',
        distkey: distkey ?? null,
      })
    }
  }
  const lines = renderRedshiftPlan(
    root,
    (schema, table) => tables.get(JSON.stringify([schema, table])),
    command.verbose,
  )
  return {
    commandTag: 'EXPLAIN',
    rows: { fields: [{ name: 'QUERY PLAN', typeOid: TEXT_OID }], values: lines.map((line) => [line]) },
  }
}

function readPlan(text: string | null): EnginePlanNode {
  const parsed: unknown = text === null ? null : JSON.parse(text)
  const plan = Array.isArray(parsed) ? (parsed[0] as { Plan?: EnginePlanNode } | undefined)?.Plan : undefined
  if (plan === undefined) throw new GatewayCommandError('XX000', 'EXPLAIN: the engine returned no plan')
  return plan
}

/** The distinct [schema, table] pairs the plan scans. */
function relations(root: EnginePlanNode): [string, string][] {
  const seen = new Map<string, [string, string]>()
  const visit = (node: EnginePlanNode): void => {
    const table = node['Relation Name']
    if (table !== undefined && node.Schema !== undefined) {
      seen.set(JSON.stringify([node.Schema, table]), [node.Schema, table])
    }
    for (const child of node.Plans ?? []) visit(child)
  }
  visit(root)
  return [...seen.values()]
}
