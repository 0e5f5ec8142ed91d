/**
 * Parses Redshift Spectrum's DDL (DG `r_CREATE_EXTERNAL_SCHEMA`, `r_CREATE_EXTERNAL_TABLE`,
 * `r_ALTER_TABLE` partition clauses, DROP of external tables and schemas) from the dialect's tokens.
 */
import { isSignificant, stringValue, type Token, tokenize } from '@redshift-kit/dialect'

/** A column of CREATE EXTERNAL TABLE, with its type as written. */
export interface ExternalColumnDef {
  readonly name: string
  readonly type: string
}

/** How the files of an external table are written. */
export interface ExternalFormat {
  /** `STORED AS` (upper case): TEXTFILE, PARQUET, ... or INPUTFORMAT when given as classes. */
  readonly storedAs: string
  readonly inputFormat: string | null
  readonly outputFormat: string | null
  /** `ROW FORMAT SERDE '...'`, or null for DELIMITED / none. */
  readonly serde: string | null
  readonly serdeProperties: Readonly<Record<string, string>>
  /** `ROW FORMAT DELIMITED FIELDS TERMINATED BY '...'`. */
  readonly fieldDelimiter: string | null
}

export type SpectrumStatement =
  | {
      readonly kind: 'createSchema'
      readonly schema: string
      readonly ifNotExists: boolean
      readonly glueDatabase: string
      readonly iamRole: string | null
      readonly createDatabase: boolean
      readonly region: string | null
    }
  | {
      readonly kind: 'createTable'
      readonly schema: string
      readonly table: string
      readonly ifNotExists: boolean
      readonly columns: readonly ExternalColumnDef[]
      readonly partitionKeys: readonly ExternalColumnDef[]
      readonly format: ExternalFormat
      readonly location: string
      readonly properties: Readonly<Record<string, string>>
    }
  | {
      readonly kind: 'addPartitions'
      readonly schema: string | null
      readonly table: string
      readonly ifNotExists: boolean
      readonly partitions: readonly {
        readonly values: ReadonlyMap<string, string>
        readonly location: string
      }[]
    }
  | {
      readonly kind: 'dropPartitions'
      readonly schema: string | null
      readonly table: string
      readonly partitions: readonly ReadonlyMap<string, string>[]
    }
  | {
      readonly kind: 'dropTable'
      readonly schema: string | null
      readonly table: string
      readonly ifExists: boolean
    }
  | {
      readonly kind: 'dropSchema'
      readonly schema: string
      readonly ifExists: boolean
      readonly dropDatabase: boolean
    }

/** A statement Redshift would reject, with its SQLSTATE. */
export class SpectrumSyntaxError extends Error {
  override readonly name = 'SpectrumSyntaxError'
  constructor(
    readonly sqlState: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

const syntax = (message: string, hint?: string) => new SpectrumSyntaxError('42601', message, hint)

/** A cursor over the significant tokens of one statement. */
class Cursor {
  readonly #tokens: Token[]
  #at = 0
  constructor(sql: string) {
    this.#tokens = tokenize(sql).filter(isSignificant)
    const last = this.#tokens[this.#tokens.length - 1]
    if (last?.kind === 'punct' && last.text === ';') this.#tokens.pop()
  }
  get done(): boolean {
    return this.#at >= this.#tokens.length
  }
  peekWord(offset = 0): string | undefined {
    const t = this.#tokens[this.#at + offset]
    return t?.kind === 'word' ? t.value : undefined
  }
  isWord(...words: string[]): boolean {
    return words.every((w, i) => this.peekWord(i) === w)
  }
  acceptWords(...words: string[]): boolean {
    if (!this.isWord(...words)) return false
    this.#at += words.length
    return true
  }
  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words))
      throw syntax(`syntax error: expected ${words.join(' ').toUpperCase()} ${this.#near()}`)
  }
  isPunct(text: string): boolean {
    const t = this.#tokens[this.#at]
    return t !== undefined && (t.kind === 'punct' || t.kind === 'operator') && t.text === text
  }
  acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false
    this.#at++
    return true
  }
  expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw syntax(`syntax error: expected "${text}" ${this.#near()}`)
  }
  name(what: string): string {
    const t = this.#tokens[this.#at]
    if (t?.kind === 'word' || (t?.kind === 'quotedIdent' && t.unterminated !== true)) {
      this.#at++
      return t.value as string
    }
    throw syntax(`syntax error: expected ${what} ${this.#near()}`)
  }
  /** `a` or `a.b`: [schema or null, name]. */
  qualified(what: string): [string | null, string] {
    const first = this.name(what)
    if (!this.acceptPunct('.')) return [null, first]
    const second = this.name(what)
    if (this.acceptPunct('.')) return [second, this.name(what)]
    return [first, second]
  }
  string(what: string): string {
    const t = this.#tokens[this.#at]
    const v = t === undefined ? null : stringValue(t)
    if (v === null) throw syntax(`syntax error: expected ${what} as a quoted string ${this.#near()}`)
    this.#at++
    return v
  }
  /** A literal value: a string, a number or a bare word (partition values). */
  value(what: string): string {
    const t = this.#tokens[this.#at]
    if (t?.kind === 'number' || t?.kind === 'word') {
      this.#at++
      return t.text
    }
    return this.string(what)
  }
  /** The raw text of a type: tokens up to a top-level `,` or `)`. */
  typeText(): string {
    const parts: string[] = []
    let depth = 0
    for (;;) {
      const t = this.#tokens[this.#at]
      if (t === undefined) break
      if (t.kind === 'punct' && depth === 0 && (t.text === ',' || t.text === ')')) break
      if (t.kind === 'punct' && t.text === '(') depth++
      if (t.kind === 'punct' && t.text === ')') depth--
      parts.push(t.text)
      this.#at++
    }
    if (parts.length === 0) throw syntax(`syntax error: expected a column type ${this.#near()}`)
    return parts.join(' ').replace(/ \( /g, '(').replace(/ \)/g, ')').replace(/ , /g, ',')
  }
  end(): void {
    if (!this.done) throw syntax(`syntax error at or near "${this.#tokens[this.#at]?.text}"`)
  }
  #near(): string {
    const t = this.#tokens[this.#at]
    return t === undefined ? 'at end of input' : `at or near "${t.text}"`
  }
}

/** An `s3://bucket/prefix/` location without `.` or `..` segments. */
function checkLocation(location: string): void {
  const m = /^s3:\/\/([^/]+)(\/.*)?$/i.exec(location)
  if (m === null || (m[2] ?? '').split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new SpectrumSyntaxError(
      '22023',
      `LOCATION '${location}' is not an S3 location; write s3://bucket/prefix/`,
    )
  }
}

function properties(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {}
  c.expectPunct('(')
  do {
    const key = c.string('a property name')
    c.expectPunct('=')
    out[key] = c.string('a property value')
  } while (c.acceptPunct(','))
  c.expectPunct(')')
  return out
}

function columnList(c: Cursor): ExternalColumnDef[] {
  const out: ExternalColumnDef[] = []
  c.expectPunct('(')
  do {
    const name = c.name('a column name')
    out.push({ name, type: c.typeText() })
  } while (c.acceptPunct(','))
  c.expectPunct(')')
  return out
}

function partitionSpec(c: Cursor): Map<string, string> {
  const values = new Map<string, string>()
  c.expectPunct('(')
  do {
    const column = c.name('a partition column')
    c.expectPunct('=')
    values.set(column, c.value('a partition value'))
  } while (c.acceptPunct(','))
  c.expectPunct(')')
  return values
}

function createSchema(c: Cursor): SpectrumStatement {
  const ifNotExists = c.acceptWords('if', 'not', 'exists')
  const schema = c.name('a schema name')
  c.expectWords('from')
  if (c.acceptWords('data', 'catalog')) {
    // the default source
  } else if (!c.isWord('database')) {
    const source = c.peekWord() ?? ''
    throw new SpectrumSyntaxError(
      '0A000',
      `CREATE EXTERNAL SCHEMA FROM ${source.toUpperCase()} is not available in redshift-local`,
      'use FROM DATA CATALOG (the local Glue Data Catalog)',
    )
  }
  c.expectWords('database')
  const glueDatabase = c.string('the catalog database name')
  let iamRole: string | null = null
  let region: string | null = null
  let createDatabase = false
  while (!c.done) {
    if (c.acceptWords('iam_role')) {
      iamRole = c.acceptWords('default') ? 'default' : c.string('the IAM role')
    } else if (c.acceptWords('region')) {
      region = c.string('the region')
    } else if (c.acceptWords('catalog_role')) {
      if (!c.acceptWords('default')) c.string('the catalog role')
    } else if (c.acceptWords('schema')) {
      c.string('the schema name')
    } else if (c.acceptWords('create', 'external', 'database', 'if', 'not', 'exists')) {
      createDatabase = true
    } else {
      c.end()
    }
  }
  if (iamRole === null) {
    throw syntax(
      'CREATE EXTERNAL SCHEMA needs IAM_ROLE',
      "add IAM_ROLE 'arn:aws:iam::123456789012:role/MySpectrumRole' (or IAM_ROLE default)",
    )
  }
  return { kind: 'createSchema', schema, ifNotExists, glueDatabase, iamRole, createDatabase, region }
}

function rowFormat(c: Cursor): Pick<ExternalFormat, 'serde' | 'serdeProperties' | 'fieldDelimiter'> {
  if (c.acceptWords('serde')) {
    const serde = c.string('the SerDe class')
    const serdeProperties = c.acceptWords('with', 'serdeproperties') ? properties(c) : {}
    return { serde, serdeProperties, fieldDelimiter: null }
  }
  c.expectWords('delimited')
  let fieldDelimiter: string | null = null
  for (;;) {
    if (c.acceptWords('fields', 'terminated', 'by')) fieldDelimiter = c.string('the field delimiter')
    else if (c.acceptWords('lines', 'terminated', 'by')) {
      if (c.string('the line terminator') !== '\n') {
        throw new SpectrumSyntaxError('0A000', "LINES TERMINATED BY supports only '\\n'")
      }
    } else if (c.acceptWords('escaped', 'by')) c.string('the escape character')
    else if (c.acceptWords('collection', 'items', 'terminated', 'by')) c.string('a delimiter')
    else if (c.acceptWords('map', 'keys', 'terminated', 'by')) c.string('a delimiter')
    else break
  }
  return { serde: null, serdeProperties: {}, fieldDelimiter }
}

function createTable(c: Cursor): SpectrumStatement {
  const ifNotExists = c.acceptWords('if', 'not', 'exists')
  const [schema, table] = c.qualified('a table name')
  if (schema === null) {
    throw syntax(`external table "${table}" needs its external schema: CREATE EXTERNAL TABLE schema.${table}`)
  }
  if (c.isWord('as') || c.isWord('stored') || c.isWord('partitioned') || c.isWord('row')) {
    if (c.isWord('as') || !c.isPunct('(')) {
      throw new SpectrumSyntaxError('0A000', 'CREATE EXTERNAL TABLE AS is not available in redshift-local')
    }
  }
  const columns = columnList(c)
  let partitionKeys: ExternalColumnDef[] = []
  let row: Pick<ExternalFormat, 'serde' | 'serdeProperties' | 'fieldDelimiter'> = {
    serde: null,
    serdeProperties: {},
    fieldDelimiter: null,
  }
  let storedAs: string | null = null
  let inputFormat: string | null = null
  let outputFormat: string | null = null
  let location: string | null = null
  let props: Record<string, string> = {}
  while (!c.done) {
    if (c.acceptWords('partitioned', 'by')) partitionKeys = columnList(c)
    else if (c.acceptWords('row', 'format')) row = rowFormat(c)
    else if (c.acceptWords('stored', 'as')) {
      if (c.acceptWords('inputformat')) {
        inputFormat = c.string('the input format class')
        c.expectWords('outputformat')
        outputFormat = c.string('the output format class')
        storedAs = 'INPUTFORMAT'
      } else {
        storedAs = c.name('a file format').toUpperCase()
      }
    } else if (c.acceptWords('location')) location = c.string('the location')
    else if (c.acceptWords('table', 'properties')) props = properties(c)
    else c.end()
  }
  if (storedAs === null) throw syntax('CREATE EXTERNAL TABLE needs STORED AS (TEXTFILE, PARQUET, ...)')
  if (location === null) throw syntax("CREATE EXTERNAL TABLE needs LOCATION 's3://bucket/prefix/'")
  checkLocation(location)
  return {
    kind: 'createTable',
    schema,
    table,
    ifNotExists,
    columns,
    partitionKeys,
    format: { storedAs, inputFormat, outputFormat, ...row },
    location,
    properties: props,
  }
}

function alterTable(c: Cursor): SpectrumStatement | undefined {
  const [schema, table] = c.qualified('a table name')
  if (c.acceptWords('add')) {
    const ifNotExists = c.acceptWords('if', 'not', 'exists')
    if (!c.isWord('partition')) return undefined
    const partitions: { values: Map<string, string>; location: string }[] = []
    while (c.acceptWords('partition')) {
      const values = partitionSpec(c)
      c.expectWords('location')
      const location = c.string('the partition location')
      checkLocation(location)
      partitions.push({ values, location })
    }
    c.end()
    return { kind: 'addPartitions', schema, table, ifNotExists, partitions }
  }
  if (c.acceptWords('drop')) {
    if (!c.isWord('partition')) return undefined
    const partitions: Map<string, string>[] = []
    while (c.acceptWords('partition')) {
      partitions.push(partitionSpec(c))
      c.acceptPunct(',')
    }
    c.end()
    return { kind: 'dropPartitions', schema, table, partitions }
  }
  return undefined
}

/**
 * The Spectrum statement `sql` is, or undefined when it is none (DROP TABLE / DROP SCHEMA are returned
 * for any target: the caller decides whether the target is external). Throws SpectrumSyntaxError for a
 * Spectrum statement Redshift would reject.
 *
 * @example
 * parseSpectrumStatement("ALTER TABLE spectrum.sales ADD PARTITION (d='2024-01-01') LOCATION 's3://b/d=2024-01-01/'")
 */
export function parseSpectrumStatement(sql: string): SpectrumStatement | undefined {
  const c = new Cursor(sql)
  if (c.acceptWords('create', 'external', 'schema')) return createSchema(c)
  if (c.acceptWords('create', 'external', 'table')) return createTable(c)
  if (c.acceptWords('create', 'external')) {
    throw new SpectrumSyntaxError(
      '0A000',
      `CREATE EXTERNAL ${(c.peekWord() ?? '').toUpperCase()} is not available in redshift-local`,
    )
  }
  if (c.acceptWords('alter', 'table')) return alterTable(c)
  if (c.acceptWords('drop', 'table')) {
    const ifExists = c.acceptWords('if', 'exists')
    const [schema, table] = c.qualified('a table name')
    if (!c.done) return undefined
    return { kind: 'dropTable', schema, table, ifExists }
  }
  if (c.acceptWords('drop', 'schema')) {
    const ifExists = c.acceptWords('if', 'exists')
    const schema = c.name('a schema name')
    const dropDatabase = c.acceptWords('drop', 'external', 'database')
    c.acceptWords('cascade') || c.acceptWords('restrict')
    if (!c.done) return undefined
    return { kind: 'dropSchema', schema, ifExists, dropDatabase }
  }
  return undefined
}
