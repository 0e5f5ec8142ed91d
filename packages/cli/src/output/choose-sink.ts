import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { UsageError } from '../exit-codes.js'
import { type CliIo, painter } from '../io.js'
import { DelimitedSink } from './delimited-sink.js'
import { JsonLinesSink } from './jsonl-sink.js'
import type { RowSink } from './sink.js'
import { TableSink } from './table-sink.js'

export const FORMATS = ['table', 'csv', 'tsv', 'jsonl', 'parquet'] as const
export type OutputFormat = (typeof FORMATS)[number]

/** An opened output: the sink and how to finish the file behind it. */
export interface Output {
  readonly sink: RowSink
  readonly format: OutputFormat
  close(): Promise<void>
}

/**
 * The output for `--format` and `--output`: a table on a terminal, CSV into a pipe or a file, unless
 * told otherwise. Parquet is binary, so it is refused on a terminal.
 */
export async function openOutput(
  format: string | undefined,
  file: string | undefined,
  io: CliIo,
  options: { header?: boolean } = {},
): Promise<Output> {
  const toFile = file !== undefined && file !== '-'
  const chosen = (format ?? (toFile || io.stdout.isTTY !== true ? 'csv' : 'table')) as OutputFormat
  if (!FORMATS.includes(chosen)) throw new UsageError(`--format ${format}: use one of ${FORMATS.join(', ')}`)
  if (chosen === 'parquet') {
    if (!toFile && io.stdout.isTTY === true)
      throw new UsageError('--format parquet writes binary: give --output FILE or redirect standard output')
    const { ParquetSink } = await import('./parquet-sink.js')
    const sink = ParquetSink.open(toFile ? (file as string) : '-')
    return { sink, format: chosen, close: async () => undefined }
  }
  let out: Writable = io.stdout
  let close = async (): Promise<void> => {}
  if (toFile) {
    const stream = createWriteStream(file as string)
    out = stream
    close = () =>
      new Promise<void>((resolve, reject) => {
        stream.once('error', reject)
        stream.end(() => resolve())
      })
  }
  const header = options.header ?? true
  const sink =
    chosen === 'table'
      ? new TableSink(out, painter(toFile ? {} : io.stdout, io.env))
      : chosen === 'jsonl'
        ? new JsonLinesSink(out)
        : new DelimitedSink(out, chosen, header)
  return { sink, format: chosen, close }
}
