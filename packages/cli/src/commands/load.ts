import {
  isRedshiftError,
  type LoadError,
  type LoadFileFormat,
  type LoadFileOptions,
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
  file: { type: 'string' },
  staging: { type: 'string' },
  'iam-role': { type: 'string' },
  format: { type: 'string' },
  mode: { type: 'string' },
  delimiter: { type: 'string' },
  quote: { type: 'string' },
  'no-header': { type: 'boolean' },
  'null-as': { type: 'string' },
  columns: { type: 'string' },
  'column-type': { type: 'string', multiple: true },
  'dist-key': { type: 'string' },
  'sort-key': { type: 'string' },
  'max-errors': { type: 'string' },
  'file-size-mb': { type: 'string' },
  concurrency: { type: 'string' },
  region: { type: 'string' },
} as const

function whole(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} ${text}: expected a whole number`)
  return Number(text)
}

const PHASE_LABEL = {
  staging: 'staging  ',
  copying: 'COPY running  ',
  merging: 'merging  ',
  done: '',
} as const

/** `redshift-kit load`: a local CSV, JSON or Parquet file into a table, through S3 staging and one COPY. */
export const loadCommand: Command = {
  name: 'load',
  summary: 'load a local CSV, JSON or Parquet file into a table (staged to S3, one COPY)',
  usage: [
    'redshift-kit load --table T --file FILE --staging s3://bucket/prefix/ --iam-role ARN [options]',
    'redshift-kit load T FILE --staging s3://bucket/prefix/ --iam-role ARN',
    'redshift-kit load --spec load.json',
  ],
  optionHelp: [
    ['--spec FILE', 'the options as JSON ({"table": ..., "file": ..., "staging": ...}); flags override it'],
    [
      '--table T / --file FILE',
      'the target table (schema.table) and the local file (or give both as arguments)',
    ],
    ['--staging URL', 's3://bucket/prefix/ where the file is staged (removed afterwards)'],
    ['--iam-role ARN', 'the role Redshift reads the staged files with'],
    ['--format F', 'csv, json (objects one after the other) or parquet; default: from the file name'],
    ['--mode M', 'append (default), overwrite (replace the rows) or create (create the table first)'],
    ['--delimiter C / --quote C', 'CSV field delimiter (default , or a tab for .tsv) and quote'],
    ['--no-header', 'the CSV has no header line (give --columns, or the table’s order is used)'],
    ['--null-as S', 'CSV text that loads as NULL'],
    ['--columns a,b,c', 'the file’s columns in order, when it has no header'],
    ['--column-type NAME=TYPE', 'for --mode create: a column’s SQL type (repeat for each CSV/JSON column)'],
    ['--dist-key C / --sort-key a,b', 'for --mode create'],
    ['--max-errors N', 'tolerate up to N bad rows'],
    ['--file-size-mb N / --concurrency N', 'staged part size (default 64) and uploads at once (default 4)'],
    ['--region R', 'the staging bucket’s region when it is not the cluster’s'],
  ],
  examples: [
    'redshift-kit load public.events ./events.csv --staging s3://my-bucket/tmp/ --iam-role arn:aws:iam::123456789012:role/Load',
    'redshift-kit load --table sales --file sales.parquet --mode overwrite --staging s3://my-bucket/tmp/ --iam-role default',
    'redshift-kit load --spec load.json --max-errors 10',
  ],
  options,
  connects: true,
  async run(args, rawFlags, io) {
    const flags = await withSpec(rawFlags, options)
    const table = str(flags, 'table') ?? args[0]
    const file = str(flags, 'file') ?? (str(flags, 'table') === undefined ? args[1] : args[0])
    if (!table || !file)
      throw new UsageError('name the table and the file: redshift-kit load schema.table FILE')
    const staging = str(flags, 'staging')
    if (!staging)
      throw new UsageError('--staging s3://bucket/prefix/ is required: the file is staged there for COPY')
    const columnTypes: Record<string, string> = {}
    for (const entry of list(flags, 'column-type')) {
      const at = entry.indexOf('=')
      if (at <= 0) throw new UsageError(`--column-type ${entry}: expected NAME=TYPE, e.g. id=BIGINT`)
      columnTypes[entry.slice(0, at).trim()] = entry.slice(at + 1).trim()
    }
    const csv = {
      ...(bool(flags, 'no-header') ? { header: false } : {}),
      ...(str(flags, 'delimiter') !== undefined ? { delimiter: str(flags, 'delimiter') as string } : {}),
      ...(str(flags, 'quote') !== undefined ? { quote: str(flags, 'quote') as string } : {}),
      ...(str(flags, 'null-as') !== undefined ? { nullAs: str(flags, 'null-as') as string } : {}),
    }
    const sortKey = str(flags, 'sort-key')
    const createTable = {
      ...(Object.keys(columnTypes).length ? { columnTypes } : {}),
      ...(str(flags, 'dist-key') !== undefined ? { distKey: str(flags, 'dist-key') as string } : {}),
      ...(sortKey !== undefined ? { sortKey: sortKey.split(',').map((c) => c.trim()) } : {}),
    }
    const maxErrors = whole(str(flags, 'max-errors'), 'max-errors')
    const fileSizeMb = whole(str(flags, 'file-size-mb'), 'file-size-mb')
    const concurrency = whole(str(flags, 'concurrency'), 'concurrency')
    const columns = str(flags, 'columns')
    let label: keyof typeof PHASE_LABEL = 'staging'
    let progressOf = new Progress(io, false, PHASE_LABEL.staging)
    const loadOptions: LoadFileOptions = {
      staging,
      signal: io.signal,
      ...(str(flags, 'iam-role') !== undefined ? { iamRole: str(flags, 'iam-role') as string } : {}),
      ...(str(flags, 'format') !== undefined ? { format: str(flags, 'format') as LoadFileFormat } : {}),
      ...(str(flags, 'mode') !== undefined
        ? { mode: str(flags, 'mode') as 'append' | 'overwrite' | 'create' }
        : {}),
      ...(Object.keys(csv).length ? { csv } : {}),
      ...(Object.keys(createTable).length ? { createTable } : {}),
      ...(columns !== undefined ? { columns: columns.split(',').map((c) => c.trim()) } : {}),
      ...(maxErrors !== undefined ? { maxErrors } : {}),
      ...(fileSizeMb !== undefined ? { fileSizeMb } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(str(flags, 'region') !== undefined ? { region: str(flags, 'region') as string } : {}),
      onProgress: (p) => {
        if (p.phase !== label) {
          progressOf.clear()
          label = p.phase
          progressOf = new Progress(io, false, PHASE_LABEL[p.phase])
        }
        progressOf.update(p.rows, p.bytesStaged)
      },
    }
    const connection = await connectWith(flags, io)
    const timer = setInterval(() => {
      if (label === 'copying') progressOf.tick()
    }, 250)
    try {
      const result = await connection.client.loadFile(table, file, loadOptions)
      progressOf.clear()
      io.stdout.write(
        `Loaded ${result.rowsLoaded} rows into ${result.table.toString()} from ${file} (${result.format}, ${result.filesStaged} staged file${result.filesStaged === 1 ? '' : 's'}, ${result.bytesStaged} bytes) in ${result.durationMs} ms${result.queryId ? ` (query ${result.queryId})` : ''}\n`,
      )
      return EXIT.ok
    } catch (err) {
      progressOf.clear()
      const loadErrors = (err as { loadErrors?: readonly LoadError[] }).loadErrors
      if (isRedshiftError(err) && err.code === 'LOAD_FAILED' && loadErrors?.length) {
        io.stderr.write(`load failed: ${loadErrors.length} load error(s):\n`)
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
