import { type Command, str } from '../command.js'
import { connectWith } from '../connection.js'
import { parseDuration } from '../duration.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { openOutput } from '../output/choose-sink.js'
import { writeRecords } from '../output/records.js'

/** The columns of a load error table, shared with `copy`'s failure report. */
export const LOAD_ERROR_COLUMNS = [
  ['filename', 'file'],
  ['lineNumber', 'line'],
  ['columnName', 'column'],
  ['errorCode', 'code'],
  ['errorMessage', 'error'],
  ['rawFieldValue', 'value'],
] as const

/** A `--since` value: a duration back from now (`1h`) or a date/time. */
export function parseSince(text: string): Date {
  if (/^\d+(\.\d+)?(ms|s|m|h)$/.test(text)) return new Date(Date.now() - parseDuration(text, '--since'))
  const t = Date.parse(text)
  if (Number.isNaN(t))
    throw new UsageError(`--since ${text}: use a duration back from now (30m, 24h) or a date`)
  return new Date(t)
}

/** `redshift-kit load-errors`: the COPY errors of a table (stl_load_errors), newest first. */
export const loadErrorsCommand: Command = {
  name: 'load-errors',
  summary: 'show the COPY load errors of a table since a time',
  usage: ['redshift-kit load-errors TABLE [--since 24h] [--format table|csv|tsv|jsonl]'],
  optionHelp: [
    ['--since WHEN', 'errors since 30m, 24h (default), or a date/time'],
    ['--format FORMAT', 'table (default on a terminal), csv, tsv, jsonl'],
  ],
  examples: [
    'redshift-kit load-errors public.events',
    'redshift-kit load-errors sales --since 2024-06-01 --format jsonl',
  ],
  options: { since: { type: 'string' }, format: { type: 'string' } },
  connects: true,
  async run(args, flags, io) {
    const table = args[0]
    if (!table) throw new UsageError('name the table: redshift-kit load-errors schema.table')
    const since = parseSince(str(flags, 'since') ?? '24h')
    const output = await openOutput(str(flags, 'format'), undefined, io)
    const connection = await connectWith(flags, io)
    try {
      const errors = await connection.client.getLoadErrors(table, since, { signal: io.signal })
      await writeRecords(output.sink, LOAD_ERROR_COLUMNS, errors)
      return EXIT.ok
    } finally {
      await output.close()
      await connection.close()
    }
  },
}
