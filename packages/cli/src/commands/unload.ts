import { type Compression, UnloadCommandBuilder, type UnloadFormat } from '@redshift-kit/client'
import { bool, type Command, list, str } from '../command.js'
import { connectWith } from '../connection.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { Progress } from '../progress.js'
import { withSpec } from '../spec.js'
import { readSql } from '../sql-input.js'

const options = {
  spec: { type: 'string' },
  file: { type: 'string', short: 'f' },
  query: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  header: { type: 'boolean' },
  delimiter: { type: 'string' },
  compression: { type: 'string' },
  'partition-by': { type: 'string' },
  manifest: { type: 'boolean' },
  parallel: { type: 'string' },
  'max-file-size': { type: 'string' },
  'allow-overwrite': { type: 'boolean' },
  'clean-path': { type: 'boolean' },
  'iam-role': { type: 'string', multiple: true },
  region: { type: 'string' },
  'kms-key-id': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const

/** `redshift-kit unload`: UNLOAD a query's result to S3, validated before it runs. */
export const unloadCommand: Command = {
  name: 'unload',
  summary: 'export a query’s result to S3 with UNLOAD (CSV, Parquet, JSON; partitions, manifest)',
  usage: [
    'redshift-kit unload [SQL | -] --to s3://bucket/prefix --iam-role ARN [options]',
    'redshift-kit unload --spec unload.json',
  ],
  optionHelp: [
    ['--spec FILE', 'the options as JSON ({"query": ..., "to": ..., "iamRole": ...}); flags override it'],
    ['-f, --file PATH / --query SQL', 'the query, if not the argument'],
    ['--to URL', 's3://bucket/prefix for the files'],
    ['--format F', 'text (default), csv, parquet, json'],
    ['--header / --delimiter C', 'text and CSV options'],
    ['--compression C', 'gzip, bzip2, zstd'],
    ['--partition-by a,b', 'PARTITION BY columns'],
    ['--manifest', 'write a manifest'],
    ['--parallel on|off', 'one file per slice (on) or serial files (off)'],
    ['--max-file-size MB', 'largest file size in MB'],
    ['--allow-overwrite / --clean-path', 'replace existing files'],
    ['--iam-role ARN / --region R / --kms-key-id K', 'authorization and encryption'],
    ['--dry-run', 'print the UNLOAD statement (credentials redacted) and stop'],
  ],
  examples: [
    "redshift-kit unload 'select * from sales' --to s3://exports/sales/ --format parquet --iam-role arn:aws:iam::123456789012:role/Unload",
    'redshift-kit unload --spec unload.json --allow-overwrite',
  ],
  options,
  connects: true,
  async run(args, rawFlags, io) {
    const flags = await withSpec(rawFlags, options)
    const inline = str(flags, 'query')
    const sql = inline ?? (await readSql(args[0], str(flags, 'file'), io))
    const to = str(flags, 'to')
    if (!to) throw new UsageError('--to s3://bucket/prefix is required')
    let b = new UnloadCommandBuilder(sql).toS3Url(to)
    const format = str(flags, 'format')
    if (format !== undefined) b = b.format(format as UnloadFormat)
    if (bool(flags, 'header')) b = b.header()
    const delimiter = str(flags, 'delimiter')
    if (delimiter !== undefined) b = b.delimiter(delimiter)
    const compression = str(flags, 'compression')
    if (compression !== undefined) b = b.compression(compression as Compression)
    const partition = str(flags, 'partition-by')
    if (partition !== undefined) b = b.partitionBy(partition.split(',').map((c) => c.trim()))
    if (bool(flags, 'manifest')) b = b.manifest()
    const parallel = str(flags, 'parallel')
    if (parallel !== undefined) {
      if (parallel !== 'on' && parallel !== 'off')
        throw new UsageError(`--parallel ${parallel}: use on or off`)
      b = b.parallel(parallel === 'on')
    }
    const size = str(flags, 'max-file-size')
    if (size !== undefined) b = b.maxFileSizeMb(Number(size))
    if (bool(flags, 'allow-overwrite')) b = b.allowOverwrite()
    if (bool(flags, 'clean-path')) b = b.cleanPath()
    const roles = list(flags, 'iam-role')
    if (roles.length) b = b.iamRole(roles.length === 1 ? (roles[0] as string) : roles)
    const region = str(flags, 'region')
    if (region !== undefined) b = b.region(region)
    const kms = str(flags, 'kms-key-id')
    if (kms !== undefined) b = b.encrypted(kms)
    const command = b.build()
    if (bool(flags, 'dry-run')) {
      io.stdout.write(`${command.toString()}\n`)
      return EXIT.ok
    }
    const connection = await connectWith(flags, io)
    const progress = new Progress(io, false, 'UNLOAD running  ')
    const timer = setInterval(() => progress.tick(), 250)
    try {
      const result = await connection.client.unloadToS3(command, { signal: io.signal })
      progress.clear()
      io.stdout.write(
        `UNLOAD wrote ${result.rowsUnloaded} rows to ${result.filesCreated} file(s) in ${result.durationMs} ms (query ${result.queryId.toString()})\n`,
      )
      for (const f of result.files) io.stdout.write(`  ${f.url}  ${f.rowCount} rows  ${f.sizeBytes} bytes\n`)
      if (result.manifestUrl) io.stdout.write(`  manifest: ${result.manifestUrl}\n`)
      return EXIT.ok
    } finally {
      clearInterval(timer)
      progress.clear()
      await connection.close()
    }
  },
}
