import { createReadStream } from 'node:fs'
import { ValidationError } from '../../errors/client-errors.js'
import type { LoadError } from '../../errors/load-error.js'
import { LoadFailedError } from '../../errors/query-errors.js'
import type { CopyCommandBuilder } from '../copy-command-builder.js'
import type { CopyResult } from '../data-results.js'
import { S3Staging } from '../staging/s3-staging.js'
import { StagedUploads } from '../staging/staged-uploads.js'
import { TableRef } from '../table-ref.js'
import { splitFile } from './file-parts.js'
import { type FileSource, filePath, inspectFile, type LoadFileFormat, parquetShape } from './file-source.js'
import { createTableSql } from './infer-schema.js'
import { type CreateTableOptions, ProgressReporter, sqlRunner, stagedLoadProblems } from './load-rows.js'
import type { MovementClient } from './movement-client.js'
import { csvScanner, jsonScanner } from './record-scanner.js'
import { runStagedCopy, type StagedLoadOptions } from './staged-copy.js'
import { type TargetColumn, targetColumns } from './target-columns.js'

/**
 * Options of `loadFile`.
 *
 * @example
 * { staging: 's3://my-bucket/tmp/', iamRole: 'arn:aws:iam::123456789012:role/Load', csv: { delimiter: ';' } }
 */
export interface LoadFileOptions extends StagedLoadOptions {
  /** `csv`, `json` (objects one after the other, as COPY's JSON reads) or `parquet`; default: from the file's name. */
  readonly format?: LoadFileFormat
  /** `append` (default), `overwrite` (DELETE then COPY in one transaction) or `create` (CREATE TABLE then COPY). */
  readonly mode?: 'append' | 'overwrite' | 'create'
  /**
   * For `mode: 'create'`: column types (name -> SQL type) for every column of a CSV or JSON file, in
   * order; a Parquet file's types come from its schema unless named here.
   */
  readonly createTable?: CreateTableOptions
  /** CSV only. */
  readonly csv?: {
    /** The first line names the columns (default true): they map to the table's by name, in any order. */
    readonly header?: boolean
    /** Default `,` (a `.tsv` file: a tab). */
    readonly delimiter?: string
    /** Default `"`. */
    readonly quote?: string
    /** Text that loads as NULL (COPY's NULL AS). */
    readonly nullAs?: string
  }
  /** The file's columns in order when it has no header (CSV) ; default: all the table's columns. */
  readonly columns?: readonly string[]
}

/** What `loadFile` did. */
export interface LoadFileResult extends CopyResult {
  readonly format: LoadFileFormat
  /** Records read from the file (Parquet: rows in its footer). */
  readonly records: number
  readonly filesStaged: number
  readonly bytesStaged: number
}

function checkOptions(options: LoadFileOptions, iamRole: string | undefined): void {
  const problems = stagedLoadProblems(options, iamRole)
  if (options.format !== undefined && !['csv', 'json', 'parquet'].includes(options.format))
    problems.push({ field: 'format', message: "use 'csv', 'json' or 'parquet'" })
  if (options.mode !== undefined && !['append', 'overwrite', 'create'].includes(options.mode))
    problems.push({ field: 'mode', message: "use 'append', 'overwrite' or 'create'" })
  const d = options.csv?.delimiter
  if (d !== undefined && (d.length !== 1 || d === '\n' || d === '"'))
    problems.push({ field: 'csv.delimiter', message: 'one character, not a newline or a double quote' })
  const q = options.csv?.quote
  if (q !== undefined && q.length !== 1) problems.push({ field: 'csv.quote', message: 'one character' })
  if (problems.length) throw new ValidationError('invalid loadFile options', { problems })
}

/** The fields of one CSV line (the header), quotes removed. */
export function csvFields(line: string, delimiter: string, quote: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === quote && line[i + 1] === quote) {
        field += quote
        i++
      } else if (c === quote) quoted = false
      else field += c
    } else if (c === quote) quoted = true
    else if (c === delimiter) {
      fields.push(field.trim())
      field = ''
    } else field += c
  }
  fields.push(field.trim())
  return fields
}

/** The table's column for each name, by Redshift's case folding; unknown and repeated names refused. */
function matchColumns(names: readonly string[], table: readonly TargetColumn[], what: string): string[] {
  const byName = new Map(table.map((c) => [c.name.toLowerCase(), c.name]))
  const unknown = names.filter((n) => !byName.has(n.toLowerCase()))
  if (unknown.length)
    throw new ValidationError(
      `${what} names columns the table does not have: ${unknown.join(', ')} (the table has ${table.map((c) => c.name).join(', ')})`,
      { problems: unknown.map((n) => ({ field: n, message: 'not a column of the table' })) },
    )
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n.toLowerCase()))
      throw new ValidationError(`${what} names column ${n} twice`, {
        problems: [{ field: n, message: 'repeated' }],
      })
    seen.add(n.toLowerCase())
  }
  return names.map((n) => byName.get(n.toLowerCase()) as string)
}

/** Columns for `mode: 'create'` from names and the types given (every column of a text file needs one). */
function createColumns(
  names: readonly string[],
  given: Readonly<Record<string, string>>,
  fallback: Readonly<Record<string, string>> = {},
): (TargetColumn & { sqlType: string })[] {
  const missing = names.filter((n) => given[n] === undefined && fallback[n] === undefined)
  if (missing.length)
    throw new ValidationError(
      `mode 'create' needs a type for every column of a CSV or JSON file; missing: ${missing.join(', ')}`,
      {
        problems: missing.map((n) => ({
          field: `createTable.columnTypes.${n}`,
          message: "give its SQL type, e.g. 'BIGINT'",
        })),
      },
    )
  return names.map((name) => ({
    name,
    type: 'varchar',
    precision: null,
    scale: null,
    sqlType: (given[name] ?? fallback[name]) as string,
  }))
}

/** The COPY clauses for the file's format, as staged (CSV and JSON parts are gzip). */
function copyFormat(source: FileSource, options: LoadFileOptions, delimiter: string) {
  return (copy: CopyCommandBuilder) => {
    if (source.format === 'parquet') return copy.parquet()
    let c =
      source.format === 'json'
        ? copy.json('auto ignorecase')
        : copy.csv(options.csv?.quote !== undefined ? { quote: options.csv.quote } : {})
    if (source.format === 'csv' && delimiter !== ',') c = c.delimiter(delimiter)
    if (options.csv?.nullAs !== undefined && source.format === 'csv') c = c.nullAs(options.csv.nullAs)
    return c.compression('gzip').timeFormat('auto').dateFormat('auto')
  }
}

/**
 * Loads a local CSV, JSON or Parquet file the way `loadRows` loads rows: staged to S3 under a fresh
 * prefix, one COPY, the staged files removed afterwards (also on failure and abort). The file is sent
 * as it is, never re-encoded: Redshift parses its text (CSV, JSON) or its typed columns (Parquet) into
 * the table's column types itself, so values keep exactly what the file says. CSV and JSON are read as
 * a stream, cut at record boundaries into gzip parts of about `fileSizeMb` so COPY loads them in
 * parallel (memory stays bounded whatever the size); Parquet is uploaded whole, as a multipart stream.
 * Load errors name the user's file and its line.
 */
export async function loadFile(
  client: MovementClient,
  table: TableRef | string,
  file: string | URL,
  options: LoadFileOptions,
): Promise<LoadFileResult> {
  const iamRole = options?.iamRole ?? client.config.defaultCopyIamRole
  checkOptions(options ?? ({} as LoadFileOptions), iamRole)
  const ref = table instanceof TableRef ? table : TableRef.parse(table)
  const mode = options.mode ?? 'append'
  const path = filePath(file)
  const source = await inspectFile(path, options.format)
  const header = source.format === 'csv' && (options.csv?.header ?? true)
  const delimiter = options.csv?.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',')
  const quote = options.csv?.quote ?? '"'
  const given = options.createTable?.columnTypes ?? {}
  const tableColumns = mode === 'create' ? [] : await targetColumns(sqlRunner(client, options.signal), ref)

  // The COPY's column list, and CREATE TABLE's columns: known now, except for a CSV header (read first).
  let columns: string[] | undefined
  let before: string | undefined = mode === 'overwrite' ? `DELETE FROM ${ref.toSql()}` : undefined
  let parquetRows = 0
  const create = (cols: (TargetColumn & { sqlType: string })[]) => {
    columns = cols.map((c) => c.name)
    before = createTableSql(ref, cols, options.createTable ?? {})
  }
  if (source.format === 'parquet') {
    const shape = await parquetShape(path)
    parquetRows = shape.rows
    const names = shape.columns.map((c) => c.name)
    if (mode === 'create')
      create(createColumns(names, given, Object.fromEntries(shape.columns.map((c) => [c.name, c.type]))))
    else {
      // COPY loads Parquet by position: the file's columns must be the table's, in the table's order.
      const expected = tableColumns.map((c) => c.name)
      if (
        names.length !== expected.length ||
        names.some((n, i) => n.toLowerCase() !== expected[i]?.toLowerCase())
      )
        throw new ValidationError(
          `COPY loads Parquet columns by position: ${path} has (${names.join(', ')}), the table has (${expected.join(', ')}); write the file with the table's columns in its order`,
          { problems: [{ field: 'file', message: 'Parquet columns differ from the table' }] },
        )
      columns = expected
    }
  } else if (source.format === 'json' || !header) {
    const names =
      options.columns ?? (mode === 'create' ? Object.keys(given) : tableColumns.map((c) => c.name))
    if (mode === 'create') create(createColumns(names, given))
    else columns = matchColumns(names, tableColumns, 'columns')
  }

  const staging = await S3Staging.open(
    client.config,
    options.staging,
    (message, cause) => new LoadFailedError(message, { cause }),
  )
  const progress = new ProgressReporter(options.onProgress)
  const partLines = new Map<string, number>()
  try {
    const uploads = new StagedUploads(staging, options.concurrency ?? 4, options.signal, (o) =>
      progress.staged(o),
    )
    if (source.format === 'parquet') {
      progress.state.rows = parquetRows
      await uploads.add(
        'part-00000.parquet',
        createReadStream(path, options.signal ? { signal: options.signal } : {}),
      )
    } else {
      const extension = source.format === 'csv' ? 'csv.gz' : 'json.gz'
      await splitFile({
        path,
        gzipped: source.gzipped,
        scanner: source.format === 'csv' ? csvScanner(quote) : jsonScanner(),
        header,
        partBytes: (options.fileSizeMb ?? 64) * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
        onHead: (head) => {
          if (source.format === 'json' && head.firstByte === 0x5b)
            throw new ValidationError(
              `${path} holds a JSON array; COPY reads JSON objects one after the other: write one object per line (newline-delimited JSON)`,
              { problems: [{ field: 'file', message: 'a JSON array' }] },
            )
          if (!header) return
          const names = csvFields(head.header ?? '', delimiter, quote)
          if (names.length === 0 || names.every((n) => n === ''))
            throw new ValidationError(`${path} has no header line; pass csv: { header: false } and columns`, {
              problems: [{ field: 'csv.header', message: 'no header' }],
            })
          if (mode === 'create') create(createColumns(names, given))
          else columns = matchColumns(names, tableColumns, `the header of ${path}`)
        },
        onPart: async (part) => {
          const name = `part-${String(uploads.count).padStart(5, '0')}.${extension}`
          partLines.set(`${staging.prefix}${name}`, part.linesBefore)
          await uploads.add(name, part.body)
        },
        onRecords: (records) => {
          progress.state.rows = records
        },
      })
    }
    const staged = await uploads.finish()
    const plan = {
      ref,
      columns: columns ?? [],
      iamRole: iamRole as string,
      configure: copyFormat(source, options, delimiter),
      options,
      mapError: (e: LoadError): LoadError => {
        const key = e.filename.replace(`s3://${staging.bucket}/`, '')
        const before = partLines.get(key)
        return before === undefined
          ? e
          : Object.freeze({ ...e, filename: path, lineNumber: before + e.lineNumber })
      },
    }
    let result: CopyResult
    if (staged.length === 0 && mode !== 'create')
      result = await emptyLoad(client, ref, before, options.signal)
    else {
      progress.phase('copying')
      result = await runStagedCopy(client, staging, staged, plan, before)
    }
    progress.phase('done')
    return Object.freeze({
      ...result,
      format: source.format,
      records: progress.state.rows,
      filesStaged: staged.length,
      bytesStaged: progress.state.bytesStaged,
    })
  } finally {
    await staging.cleanUp()
  }
}

/** A file with no records: nothing to COPY (an empty manifest fails on Redshift); overwrite still empties. */
async function emptyLoad(
  client: MovementClient,
  ref: TableRef,
  before: string | undefined,
  signal: AbortSignal | undefined,
): Promise<CopyResult> {
  if (before !== undefined) await client.executeQuery(before, signal ? { signal } : {})
  return Object.freeze({
    rowsLoaded: 0,
    errors: 0,
    startTime: new Date(),
    durationMs: 0,
    queryId: '',
    table: ref,
  }) as unknown as CopyResult
}
