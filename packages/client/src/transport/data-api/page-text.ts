import type { ColumnMetadata as SdkColumnMetadata } from '@aws-sdk/client-redshift-data'
import { QueryFailedError } from '../../errors/query-errors.js'
import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { TypeParsers } from '../../types/type-parsers.js'
import type { Value } from '../../types/value.js'
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  JsonRecordReader,
  malformed,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-records.js'
import { type CsvDecoder, columnOf, csvDecoder } from './result-decoding.js'

/**
 * One page of a result kept as the bytes the service sent and decoded a slice at a time: only the
 * page's bytes and the slice being read are alive, never the whole page as a string or as objects,
 * so a page costs its own size in memory rather than several times it, and the bytes can be reused.
 */
export interface PageText {
  readonly columns: readonly ColumnMetadata[]
  readonly nextToken: string | undefined
  /** True once every row of the page has been taken. */
  readonly drained: boolean
  /** Decodes and returns at most `count` more rows (fewer at the end of the page). */
  take(count: number): Value[][]
}

function isSpace(code: number | undefined): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9
}

function skipSpace(bytes: Buffer, i: number, end: number): number {
  while (i < end && isSpace(bytes[i])) i++
  return i
}

/** The index just past the JSON string starting at `i` (its opening quote). */
function skipString(bytes: Buffer, i: number, end: number): number {
  let at = i + 1
  for (;;) {
    const q = bytes.indexOf(QUOTE, at)
    if (q === -1 || q >= end) throw malformed('an unterminated string')
    let slashes = 0
    for (let k = q - 1; bytes[k] === BACKSLASH; k--) slashes++
    if (slashes % 2 === 0) return q + 1
    at = q + 1
  }
}

/** The index just past the JSON value starting at `i` (no leading space). */
function skipValue(bytes: Buffer, i: number, end: number): number {
  const first = bytes[i]
  if (first === QUOTE) return skipString(bytes, i, end)
  if (first !== OPEN_BRACKET && first !== OPEN_BRACE) {
    let at = i
    for (;;) {
      const c = bytes[at]
      if (at >= end || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) break
      at++
    }
    if (at === i) throw malformed('a missing value')
    return at
  }
  let depth = 0
  let at = i
  while (at < end) {
    const c = bytes[at]
    if (c === QUOTE) {
      at = skipString(bytes, at, end)
      continue
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--
      if (depth === 0) return at + 1
    }
    at++
  }
  throw malformed('an unterminated array or object')
}

/** A JSON value's place in the page's bytes: [start, end). */
type Extent = readonly [number, number]

/** The members of the JSON object at `extent`: each value's extent, by member name. */
function members(bytes: Buffer, extent: Extent): Map<string, Extent> {
  const found = new Map<string, Extent>()
  const end = extent[1]
  let i = skipSpace(bytes, extent[0], end)
  if (bytes[i] !== OPEN_BRACE) throw malformed('not a JSON object')
  i = skipSpace(bytes, i + 1, end)
  while (bytes[i] !== CLOSE_BRACE) {
    if (i >= end || bytes[i] !== QUOTE) throw malformed('a member without a name')
    const nameEnd = skipString(bytes, i, end)
    const name = JSON.parse(bytes.toString('utf8', i, nameEnd)) as string
    i = skipSpace(bytes, nameEnd, end)
    if (bytes[i] !== COLON) throw malformed('a member without a value')
    const start = skipSpace(bytes, i + 1, end)
    const valueEnd = skipValue(bytes, start, end)
    found.set(name, [start, valueEnd])
    i = skipSpace(bytes, valueEnd, end)
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1, end)
    else if (bytes[i] !== CLOSE_BRACE) throw malformed('members not separated by commas')
  }
  return found
}

function parsed<T>(bytes: Buffer, extent: Extent | undefined): T | undefined {
  return extent === undefined ? undefined : (JSON.parse(bytes.toString('utf8', extent[0], extent[1])) as T)
}

/** The extents of the elements of the JSON array at `extent`. */
function elements(bytes: Buffer, extent: Extent): Extent[] {
  const out: Extent[] = []
  const end = extent[1] - 1
  if (bytes[extent[0]] !== OPEN_BRACKET) throw malformed('an array expected')
  let i = skipSpace(bytes, extent[0] + 1, end)
  while (i < end) {
    const valueEnd = skipValue(bytes, i, end)
    out.push([i, valueEnd])
    i = skipSpace(bytes, valueEnd, end)
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1, end)
  }
  return out
}

/** What every page holds: the reply's bytes (given back once drained), its columns and NextToken. */
abstract class BytePage implements PageText {
  readonly columns: readonly ColumnMetadata[]
  readonly nextToken: string | undefined
  protected bytes: Buffer
  readonly #release: ((bytes: Buffer) => void) | undefined

  constructor(bytes: Buffer, top: Map<string, Extent>, release: ((bytes: Buffer) => void) | undefined) {
    this.bytes = bytes
    this.#release = release
    this.columns = (parsed<SdkColumnMetadata[]>(bytes, top.get('ColumnMetadata')) ?? []).map(columnOf)
    this.nextToken = parsed<string>(bytes, top.get('NextToken'))
  }

  abstract get drained(): boolean
  abstract take(count: number): Value[][]

  /** Gives the bytes back for the next page once every row has been decoded (nothing refers to them). */
  protected settle(): void {
    if (!this.drained || this.bytes.length === 0) return
    const bytes = this.bytes
    this.bytes = EMPTY
    this.#release?.(bytes)
  }
}

const EMPTY = Buffer.alloc(0)

/**
 * A GetStatementResult page: its `Records` are read from the bytes a slice at a time, as they are
 * taken (see {@link JsonRecordReader}).
 */
class JsonPageText extends BytePage {
  #at: number
  readonly #end: number
  readonly #records: JsonRecordReader

  constructor(
    bytes: Buffer,
    top: Map<string, Extent>,
    parsers: TypeParsers,
    release: ((bytes: Buffer) => void) | undefined,
  ) {
    super(bytes, top, release)
    this.#records = new JsonRecordReader(this.columns, parsers)
    const records = top.get('Records')
    if (records === undefined || bytes[records[0]] !== OPEN_BRACKET) {
      if (records !== undefined) throw malformed('Records is not an array')
      this.#at = 0
      this.#end = 0
    } else {
      this.#end = records[1] - 1
      this.#at = skipSpace(bytes, records[0] + 1, this.#end)
    }
    this.settle()
  }

  get drained(): boolean {
    return this.#at >= this.#end
  }

  take(count: number): Value[][] {
    const bytes = this.bytes
    const end = this.#end
    const rows: Value[][] = []
    let at = this.#at
    while (rows.length < count && at < end) {
      at = skipSpace(bytes, this.#records.record(bytes, at, end, rows), end)
      if (bytes[at] === COMMA) at = skipSpace(bytes, at + 1, end)
      else if (at < end) throw malformed('records not separated by commas')
    }
    this.#at = at
    this.settle()
    return rows
  }
}

const LETTER_N = 110
const LETTER_U = 117

/**
 * A GetStatementResultV2 page: the CSV text is read where it lies, inside the reply's JSON string
 * (`\n` ends a row unless a CSV quote, `\"`, is open), and only a slice of rows is unescaped and
 * decoded at a time. The first page's header line is skipped.
 */
class CsvPageText extends BytePage {
  /** The escaped contents of each `CSVRecords` string still to read, as [start, end) in the bytes. */
  readonly #chunks: [number, number][]
  readonly #decode: CsvDecoder

  constructor(
    bytes: Buffer,
    top: Map<string, Extent>,
    parsers: TypeParsers,
    first: boolean,
    release: ((bytes: Buffer) => void) | undefined,
  ) {
    super(bytes, top, release)
    this.#decode = csvDecoder(this.columns, parsers)
    const records = top.get('Records')
    this.#chunks = []
    for (const element of records === undefined ? [] : elements(bytes, records)) {
      const csv = members(bytes, element).get('CSVRecords')
      if (csv === undefined) continue
      if (bytes[csv[0]] !== QUOTE) throw malformed('CSVRecords is not a string')
      if (csv[1] - csv[0] > 2) this.#chunks.push([csv[0] + 1, csv[1] - 1])
    }
    if (first && this.#chunks.length > 0) this.#slice(1)
    this.settle()
  }

  get drained(): boolean {
    return this.#chunks.length === 0
  }

  /** The next `count` rows' CSV text (fewer at a chunk's end), unescaped; moves past them. */
  #slice(count: number): string {
    const chunk = this.#chunks[0] as [number, number]
    const bytes = this.bytes
    const [from, end] = chunk
    let at = from
    let rows = 0
    let quoted = false
    for (;;) {
      const slash = bytes.indexOf(BACKSLASH, at)
      if (slash === -1 || slash >= end) {
        at = end
        break
      }
      const escaped = bytes[slash + 1]
      at = slash + (escaped === LETTER_U ? 6 : 2)
      if (escaped === QUOTE) quoted = !quoted
      else if (escaped === LETTER_N && !quoted && ++rows === count) break
    }
    if (at >= end) this.#chunks.shift()
    else chunk[0] = at
    return JSON.parse(`"${bytes.toString('utf8', from, Math.min(at, end))}"`) as string
  }

  take(count: number): Value[][] {
    const rows: Value[][] = []
    while (rows.length < count && this.#chunks.length > 0) {
      const text = this.#slice(count - rows.length)
      this.#decode.rows(text, 0, Number.POSITIVE_INFINITY, rows)
    }
    this.settle()
    return rows
  }
}

/**
 * Reads the body of a GetStatementResult (`'json'`) or GetStatementResultV2 (`'csv'`) reply into a
 * page decoded on demand. `first`: the first page of a CSV result, which begins with the column
 * names. `release` gets the bytes back once the page has been read, for the next page to reuse.
 */
export function pageText(
  bytes: Buffer,
  format: 'json' | 'csv',
  parsers: TypeParsers,
  first: boolean,
  release?: (bytes: Buffer) => void,
): PageText {
  try {
    const top = members(bytes, [0, bytes.length])
    return format === 'csv'
      ? new CsvPageText(bytes, top, parsers, first, release)
      : new JsonPageText(bytes, top, parsers, release)
  } catch (error) {
    if (error instanceof QueryFailedError) throw error
    throw malformed(error instanceof Error ? error.message : String(error))
  }
}
