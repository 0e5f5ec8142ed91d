import { QueryBuilder, QueryCancelledError } from '@redshift-kit/client'
import { bool, type Command, list, str } from '../command.js'
import { connectWith } from '../connection.js'
import { parseDuration } from '../duration.js'
import { EXIT } from '../exit-codes.js'
import { openOutput } from '../output/choose-sink.js'
import { parseParam } from '../params.js'
import { Progress } from '../progress.js'
import { readSql } from '../sql-input.js'
import { returnsRows } from '../statement-kind.js'

/** `redshift-kit query`: one statement, its rows streamed to a terminal table or a file. */
export const queryCommand: Command = {
  name: 'query',
  summary: 'run a statement; rows to the terminal or a file (table, CSV, TSV, JSON lines, Parquet)',
  usage: ['redshift-kit query [SQL | -] [options]', 'redshift-kit query --file report.sql [options]'],
  optionHelp: [
    ['-f, --file PATH', 'read the SQL from a file (or give it as the argument, or on stdin)'],
    ['-p, --param VALUE', 'a $n parameter, repeatable: text, or int:, bigint:, num:, bool:, json:, null'],
    ['--format FORMAT', 'table (default on a terminal), csv (default otherwise), tsv, jsonl, parquet'],
    ['-o, --output FILE', 'write the rows to FILE instead of standard output'],
    ['--no-header', 'CSV/TSV without the header line'],
    ['--timeout DURATION', 'cancel the statement after 30s, 5m, ... (exit status 4)'],
    ['--query-group NAME', 'run in this WLM query group'],
    ['--label TEXT', 'a label shown in the query log'],
    ['--fetch-size N', 'rows per round trip (default 1000)'],
    ['-q, --quiet', 'no progress line'],
  ],
  examples: [
    "redshift-kit query 'select * from sales limit 10'",
    "redshift-kit query 'select * from sales where region = $1' -p west --format csv -o west.csv",
    'redshift-kit query --file big.sql --format parquet -o big.parquet --timeout 10m',
    "echo 'select count(*) from events' | redshift-kit query --format jsonl",
  ],
  options: {
    file: { type: 'string', short: 'f' },
    param: { type: 'string', short: 'p', multiple: true },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'no-header': { type: 'boolean' },
    timeout: { type: 'string' },
    'query-group': { type: 'string' },
    label: { type: 'string' },
    'fetch-size': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  connects: true,
  async run(args, flags, io) {
    const sql = await readSql(args[0], str(flags, 'file'), io)
    let builder = new QueryBuilder(sql)
    for (const p of list(flags, 'param')) builder = builder.param(parseParam(p))
    const timeout = str(flags, 'timeout')
    if (timeout !== undefined) builder = builder.timeout(parseDuration(timeout, '--timeout'))
    const group = str(flags, 'query-group')
    if (group !== undefined) builder = builder.queryGroup(group)
    const label = str(flags, 'label')
    if (label !== undefined) builder = builder.label(label)
    const query = builder.build()
    const output = await openOutput(str(flags, 'format'), str(flags, 'output'), io, {
      header: !bool(flags, 'no-header'),
    })
    const fetch = str(flags, 'fetch-size')
    // Exports keep every microsecond of a TIMESTAMP: the server's text, not a millisecond Date.
    const connection = await connectWith(flags, io, { exactTimestamps: true })
    // On a terminal the rows are the progress; into a file or a pipe, the progress line goes to stderr.
    const progress = new Progress(
      io,
      bool(flags, 'quiet') || (output.format === 'table' && io.stdout.isTTY === true),
    )
    try {
      if (!returnsRows(sql)) {
        const result = await connection.client.executeQuery(query, { signal: io.signal })
        io.stderr.write(
          `${result.command || 'OK'}${result.rowsAffected ? `: ${result.rowsAffected} row(s)` : ''}\n`,
        )
        return EXIT.ok
      }
      const stream = await connection.client.streamResults(query, {
        signal: io.signal,
        ...(fetch !== undefined ? { fetchSize: Number(fetch) } : {}),
      })
      if (io.signal.aborted) {
        await stream.close()
        throw new QueryCancelledError('cancelled before the first rows arrived')
      }
      // Ctrl+C: cancel the statement on the server, whatever the stream is waiting for.
      const cancel = () => void stream.cancel().catch(() => undefined)
      io.signal.addEventListener('abort', cancel, { once: true })
      try {
        await output.sink.begin(stream.columns)
        let rows = 0
        for await (const batch of stream.batches()) {
          await output.sink.write(batch)
          rows += batch.length
          progress.update(rows, output.sink.bytes)
        }
        await output.sink.end()
        progress.done()
      } finally {
        io.signal.removeEventListener('abort', cancel)
        await stream.close()
      }
    } catch (err) {
      progress.clear()
      throw err
    } finally {
      await output.close()
      await connection.close()
    }
    return EXIT.ok
  },
}
