import { QueryBuilder, QueryId } from '@redshift-kit/client'
import { type Command, list, str } from '../command.js'
import { connectWith } from '../connection.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { painter } from '../io.js'
import { openOutput } from '../output/choose-sink.js'
import { writeRecords } from '../output/records.js'
import { parseParam } from '../params.js'
import { renderPlan } from '../plan-tree.js'
import { readSql } from '../sql-input.js'

const METRIC_COLUMNS = [
  ['queryId', 'query id'],
  ['status', 'status'],
  ['label', 'label'],
  ['elapsedMs', 'elapsed ms'],
  ['queueMs', 'queue ms'],
  ['executionMs', 'execution ms'],
  ['rowsReturned', 'rows returned'],
  ['bytesScanned', 'bytes scanned'],
  ['cpuTimeMs', 'cpu ms'],
  ['spillMb', 'spill MB'],
  ['scanRowCount', 'rows scanned'],
  ['joinRowCount', 'join rows'],
  ['nestedLoopJoinRowCount', 'nested loop rows'],
] as const

/** `redshift-kit explain`: the plan as a tree, with warnings; or a finished query's metrics. */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'draw a plan as a tree with distribution steps and warnings, or show a query’s metrics',
  usage: ['redshift-kit explain [SQL | -] [options]', 'redshift-kit explain --metrics QUERY_ID'],
  optionHelp: [
    ['-f, --file PATH', 'read the SQL from a file'],
    ['-p, --param VALUE', 'a $n parameter (as for query)'],
    ['--metrics QUERY_ID', 'instead of a plan: what a finished query did (time, rows, bytes, spill)'],
    ['--format FORMAT', 'for --metrics: table, csv, tsv, jsonl'],
  ],
  examples: [
    "redshift-kit explain 'select * from sales s join users u on s.user_id = u.id'",
    'redshift-kit explain --file report.sql',
    'redshift-kit explain --metrics 123456',
  ],
  options: {
    file: { type: 'string', short: 'f' },
    param: { type: 'string', short: 'p', multiple: true },
    metrics: { type: 'string' },
    format: { type: 'string' },
  },
  connects: true,
  async run(args, flags, io) {
    const metricsOf = str(flags, 'metrics')
    if (metricsOf !== undefined && !/^\d+$/.test(metricsOf))
      throw new UsageError(
        `--metrics ${metricsOf}: a query id is a number (see stl_query or the query's result)`,
      )
    const sql = metricsOf === undefined ? await readSql(args[0], str(flags, 'file'), io) : undefined
    const connection = await connectWith(flags, io)
    try {
      if (metricsOf !== undefined) {
        const metrics = await connection.client.getQueryMetrics(QueryId.new(metricsOf))
        const output = await openOutput(str(flags, 'format'), undefined, io)
        await writeRecords(output.sink, METRIC_COLUMNS, [metrics])
        await output.close()
        return EXIT.ok
      }
      let builder = new QueryBuilder(sql as string)
      for (const p of list(flags, 'param')) builder = builder.param(parseParam(p))
      const plan = await connection.client.explainQuery(builder.build(), { signal: io.signal })
      io.stdout.write(renderPlan(plan, painter(io.stdout, io.env)))
      return EXIT.ok
    } finally {
      await connection.close()
    }
  },
}
