import {
  type Compression,
  CopyCommandBuilder,
  type DataFormat,
  isRedshiftError,
  type LoadError,
} from '@redshift-kit/client'
import { bool, type Command, list, str } from '../command.js'
import { connectWith } from '../connection.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { painter } from '../io.js'
import { writeRecords } from '../output/records.js'
import { TableSink } from '../output/table-sink.js'
import { Progress } from '../progress.js'
import { withSpec } from '../spec.js'
import { LOAD_ERROR_COLUMNS } from './load-errors.js'

const options = {
  spec: { type: 'string' },
  table: { type: 'string' },
  from: { type: 'string' },
  manifest: { type: 'string' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
  quote: { type: 'string' },
  'ignore-header': { type: 'string' },
  header: { type: 'boolean' },
  'json-paths': { type: 'string' },
  compression: { type: 'string' },
  region: { type: 'string' },
  'iam-role': { type: 'string', multiple: true },
  'max-errors': { type: 'string' },
  'date-format': { type: 'string' },
  'time-format': { type: 'string' },
  'null-as': { type: 'string' },
  'blanks-as-null': { type: 'boolean' },
  'empty-as-null': { type: 'boolean' },
  'truncate-columns': { type: 'boolean' },
  columns: { type: 'string' },
  'no-load': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} ${text}: expected a whole number`)
  return Number(text)
}

/** `redshift-kit copy`: COPY from S3, validated before it runs; load errors as a table on failure. */
export const copyCommand: Command = {
  name: 'copy',
  summary: 'load a table from S3 with COPY (validated first; load errors shown on failure)',
  usage: [
    'redshift-kit copy --table T --from s3://bucket/prefix --iam-role ARN [options]',
    'redshift-kit copy --spec copy.json',
  ],
  optionHelp: [
    ['--spec FILE', 'the options as JSON ({"table": ..., "from": ..., "iamRole": ...}); flags override it'],
    ['--table T', 'the target table (schema.table)'],
    ['--from URL', 's3://bucket/prefix of the files (or --manifest s3://bucket/manifest)'],
    ['--format F', 'text (default, pipe-delimited), csv, json, parquet, orc, avro'],
    ['--delimiter C / --quote C', 'field delimiter; CSV quote character'],
    ['--header / --ignore-header N', 'skip the first line (or N lines) of each file'],
    ['--json-paths URL', "JSON with a JSONPaths file (default 'auto')"],
    ['--compression C', 'gzip, bzip2, lzop, zstd'],
    ['--iam-role ARN', 'the role Redshift reads S3 with (repeatable for a chain)'],
    ['--region R', 'the bucket’s region when it is not the cluster’s'],
    ['--max-errors N', 'tolerate up to N bad rows'],
    ['--date-format F / --time-format F / --null-as S', 'conversion parameters'],
    ['--blanks-as-null / --empty-as-null / --truncate-columns', 'conversion switches'],
    ['--columns a,b,c', 'the column list'],
    ['--no-load', 'check the files without loading (NOLOAD)'],
    ['--dry-run', 'print the COPY statement (credentials redacted) and stop'],
  ],
  examples: [
    'redshift-kit copy --table public.events --from s3://data/events/2024-06-01/ --format csv --header --iam-role arn:aws:iam::123456789012:role/Load',
    'redshift-kit copy --spec copy.json --max-errors 10',
    'redshift-kit copy --table sales --from s3://data/sales.parquet --format parquet --iam-role default --dry-run',
  ],
  options,
  connects: true,
  async run(_args, rawFlags, io) {
    const flags = await withSpec(rawFlags, options)
    const table = str(flags, 'table')
    if (!table) throw new UsageError('--table is required (schema.table)')
    let b = new CopyCommandBuilder(table)
    const from = str(flags, 'from')
    const manifest = str(flags, 'manifest')
    if ((from === undefined) === (manifest === undefined))
      throw new UsageError('give --from s3://... or --manifest s3://... (one of them)')
    if (from !== undefined) b = b.fromS3Url(from)
    if (manifest !== undefined) {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(manifest)
      if (!m) throw new UsageError(`--manifest ${manifest}: expected s3://bucket/key`)
      b = b.fromS3Manifest(m[1] as string, m[2] as string)
    }
    const format = str(flags, 'format')
    if (format !== undefined) b = b.format(format as DataFormat)
    const quote = str(flags, 'quote')
    if (quote !== undefined) b = b.csv({ quote })
    const delimiter = str(flags, 'delimiter')
    if (delimiter !== undefined) b = b.delimiter(delimiter)
    const paths = str(flags, 'json-paths')
    if (paths !== undefined) b = b.jsonWithPaths(paths)
    const skip = bool(flags, 'header') ? 1 : number(str(flags, 'ignore-header'), 'ignore-header')
    if (skip !== undefined) b = b.ignoreHeader(skip)
    const compression = str(flags, 'compression')
    if (compression !== undefined) b = b.compression(compression as Compression)
    const region = str(flags, 'region')
    if (region !== undefined) b = b.region(region)
    const roles = list(flags, 'iam-role')
    if (roles.length) b = b.iamRole(roles.length === 1 ? (roles[0] as string) : roles)
    const maxErrors = number(str(flags, 'max-errors'), 'max-errors')
    if (maxErrors !== undefined) b = b.maxErrors(maxErrors)
    const dateFormat = str(flags, 'date-format')
    if (dateFormat !== undefined) b = b.dateFormat(dateFormat)
    const timeFormat = str(flags, 'time-format')
    if (timeFormat !== undefined) b = b.timeFormat(timeFormat)
    const nullAs = str(flags, 'null-as')
    if (nullAs !== undefined) b = b.nullAs(nullAs)
    if (bool(flags, 'blanks-as-null')) b = b.blanksAsNull()
    if (bool(flags, 'empty-as-null')) b = b.emptyAsNull()
    if (bool(flags, 'truncate-columns')) b = b.truncateColumns()
    const columns = str(flags, 'columns')
    if (columns !== undefined) b = b.columns(columns.split(',').map((c) => c.trim()))
    if (bool(flags, 'no-load')) b = b.noLoad()
    const command = b.build()
    if (bool(flags, 'dry-run')) {
      io.stdout.write(`${command.toString()}\n`)
      return EXIT.ok
    }
    const connection = await connectWith(flags, io)
    const progress = new Progress(io, false, 'COPY running  ')
    const timer = setInterval(() => progress.tick(), 250)
    try {
      const result = await connection.client.copyFromS3(command, { signal: io.signal })
      progress.clear()
      io.stdout.write(
        `COPY loaded ${result.rowsLoaded} rows into ${result.table.toString()} in ${result.durationMs} ms (query ${result.queryId.toString()}${result.errors ? `, ${result.errors} rows skipped as errors` : ''})\n`,
      )
      return EXIT.ok
    } catch (err) {
      progress.clear()
      const loadErrors = (err as { loadErrors?: readonly LoadError[] }).loadErrors
      if (isRedshiftError(err) && err.code === 'LOAD_FAILED' && loadErrors?.length) {
        io.stderr.write(`COPY failed: ${loadErrors.length} load error(s):\n`)
        await writeRecords(
          new TableSink(io.stderr, painter(io.stderr, io.env)),
          LOAD_ERROR_COLUMNS,
          loadErrors,
        )
      }
      throw err
    } finally {
      clearInterval(timer)
      await connection.close()
    }
  },
}
