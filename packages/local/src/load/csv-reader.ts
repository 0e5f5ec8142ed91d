import type { CopyOptions } from '@redshift-kit/dialect'
import { type CsvError, Parser } from 'csv-parse'
import { CsvScanner } from './csv-scan.js'
import { decodedText } from './decompress.js'
import type { FastCheck } from './fast-check.js'
import { type InputRecord, type ReaderItem, type RecordReader, shapeRecord } from './input-record.js'
import { LOAD_ERROR } from './load-error.js'

function newlines(text: string, end: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Where csv-parse starts reading: at the file's start, or where the fast scan left off. */
interface ParseStart {
  /** Line number of the first record it reads. */
  readonly line: number
  /** Header lines it still skips. */
  readonly header: number
  /** The record delimiter already found (csv-parse detects it otherwise). */
  readonly recordDelimiter: string | undefined
}

/**
 * CSV as csv-parse reads it, for what the fast scan leaves: a record with broken quoting is a load
 * error (1216), and the parse goes on with the next one.
 */
async function* parsed(o: CopyOptions, columns: number, input: AsyncIterable<string>, start: ParseStart) {
  let batch: InputRecord[] = []
  // Line numbers are counted from the raw records (csv-parse's own `info` costs three times the parse).
  let line = start.line
  const parser = new Parser({
    delimiter: o.delimiter,
    quote: o.quote,
    escape: o.quote,
    relax_column_count: true,
    relax_quotes: true,
    raw: true,
    skip_empty_lines: o.ignoreBlankLines,
    skip_records_with_error: true,
    from_line: start.header + 1,
    ...(start.recordDelimiter === undefined ? {} : { record_delimiter: start.recordDelimiter }),
  })
  const take = () => {
    for (let r = parser.read() as { record: string[]; raw: string } | null; r !== null; r = parser.read()) {
      const { raw } = r
      const trailing = raw.endsWith('\n') ? 1 : 0
      const text = trailing ? raw.slice(0, -1) : raw
      const fields: (string | null)[] = r.record
      for (let i = 0; i < fields.length; i++) if (fields[i] === o.nullAs) fields[i] = null
      batch.push(shapeRecord(line, text, fields, columns, o.fillRecord))
      line += newlines(raw, raw.length)
    }
  }
  parser.on('skip', (error: CsvError | undefined, raw: string | undefined) => {
    take()
    const text = (raw ?? '').replace(/\n$/, '')
    batch.push({
      line,
      raw: text,
      fields: null,
      error: { code: LOAD_ERROR.invalidLine, reason: 'Invalid quote formatting for CSV', column: -1 },
    })
    line += newlines(raw ?? '', (raw ?? '').length)
    void error
  })
  const failure: { error?: Error } = {}
  parser.on('error', (error: Error) => {
    failure.error = error
  })
  for await (const chunk of input) {
    parser.write(chunk)
    if (failure.error) throw failure.error
    take()
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve)
    parser.on('error', reject)
  })
  parser.end()
  parser.on('readable', take)
  take()
  await ended
  take()
  if (batch.length > 0) yield batch
}

/** `first`, then the rest of `iterator` (when there is one). */
async function* rest(first: Buffer, iterator: AsyncIterator<Buffer> | undefined): AsyncIterable<Buffer> {
  if (first.length > 0) yield first
  if (iterator === undefined) return
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value
}

/**
 * CSV as COPY reads it: QUOTE (default `"`, doubled to escape), DELIMITER (default `,`), fields may
 * span lines inside quotes, a stray quote inside an unquoted field is data. Read by csv-parse.
 */
export function csvReader(o: CopyOptions, columns: number): RecordReader {
  return (input) =>
    parsed(o, columns, input, {
      line: 1 + o.ignoreHeader,
      header: o.ignoreHeader,
      recordDelimiter: undefined,
    })
}

/**
 * CSV in UTF-8 as COPY reads it (see csvReader), or text without ESCAPE and REMOVEQUOTES (as
 * textReader reads it), from its bytes: records go through CsvScanner, which passes on the ones whose
 * fields pass their `checks` (one per column, see fast-check.ts) as they are; a CSV record that needs
 * csv-parse's rules has csv-parse read the rest of the file from there.
 */
export function csvByteReader(
  o: CopyOptions,
  columns: number,
  checks: readonly (FastCheck | null)[],
): (input: AsyncIterable<Buffer>) => AsyncIterable<readonly ReaderItem[]> {
  return async function* read(input) {
    const scanner = new CsvScanner(o, columns, checks)
    const iterator = input[Symbol.asyncIterator]()
    let carry: Buffer = Buffer.alloc(0)
    for (;;) {
      const next = await iterator.next()
      const final = next.done === true
      const bytes = final ? carry : carry.length === 0 ? next.value : Buffer.concat([carry, next.value])
      const out: ReaderItem[] = []
      const stop = scanner.scan(bytes, 0, final, out)
      if (out.length > 0) yield out
      carry = bytes.subarray(stop)
      if (scanner.bailed) {
        const start: ParseStart = {
          // The header lines csv-parse still skips are not numbered by it.
          line: scanner.line + scanner.header,
          header: scanner.header,
          recordDelimiter: scanner.sawNewline ? '\n' : undefined,
        }
        const text = decodedText(rest(carry, final ? undefined : iterator), 'utf8')
        yield* parsed(o, columns, text, start)
        return
      }
      if (final) return
    }
  }
}
