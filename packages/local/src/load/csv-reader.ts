import { type CsvError, Parser } from 'csv-parse'
import type { CopyOptions } from '../dialect/copy-parse.js'
import { type InputRecord, type RecordReader, shapeRecord } from './input-record.js'
import { LOAD_ERROR } from './load-error.js'

function newlines(text: string, end: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++
  return n
}

/**
 * CSV as COPY reads it, parsed by csv-parse: QUOTE (default `"`, doubled to escape), DELIMITER
 * (default `,`), fields may span lines inside quotes, a stray quote inside an unquoted field is data.
 * A record with broken quoting is a load error (1216), and the parse goes on with the next one.
 */
export function csvReader(o: CopyOptions, columns: number): RecordReader {
  return async function* read(input) {
    let batch: InputRecord[] = []
    // Line numbers are counted from the raw records (csv-parse's own `info` costs three times the parse).
    let line = 1
    const parser = new Parser({
      delimiter: o.delimiter,
      quote: o.quote,
      escape: o.quote,
      relax_column_count: true,
      relax_quotes: true,
      raw: true,
      skip_empty_lines: o.ignoreBlankLines,
      skip_records_with_error: true,
      from_line: o.ignoreHeader + 1,
    })
    line += o.ignoreHeader
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
}
