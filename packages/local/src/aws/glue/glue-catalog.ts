/**
 * The local Glue Data Catalog: databases, tables and partitions in the shapes of the Glue API (so the
 * JSON API returns them as they are), kept in memory and written to one JSON file after every change.
 * It is the truth about external tables: Spectrum's DDL writes it, the Glue API writes it, and the
 * gateway reads it before each statement that touches an external schema.
 */
import { existsSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'

/** A column as Glue stores it (Hive type names: `int`, `string`, `decimal(10,2)`, ...). */
export interface GlueColumn {
  readonly Name: string
  readonly Type: string
  readonly Comment?: string
}

export interface GlueSerDeInfo {
  readonly Name?: string
  readonly SerializationLibrary?: string
  readonly Parameters?: Readonly<Record<string, string>>
}

export interface GlueStorageDescriptor {
  readonly Columns?: readonly GlueColumn[]
  readonly Location?: string
  readonly InputFormat?: string
  readonly OutputFormat?: string
  readonly Compressed?: boolean
  readonly NumberOfBuckets?: number
  readonly SerdeInfo?: GlueSerDeInfo
  readonly BucketColumns?: readonly string[]
  readonly SortColumns?: readonly unknown[]
  readonly Parameters?: Readonly<Record<string, string>>
  readonly StoredAsSubDirectories?: boolean
}

export interface GlueDatabase {
  readonly Name: string
  readonly Description?: string
  readonly LocationUri?: string
  readonly Parameters?: Readonly<Record<string, string>>
  readonly CreateTime: number
  readonly CatalogId: string
}

export interface GlueTable {
  readonly Name: string
  readonly DatabaseName: string
  readonly Description?: string
  readonly Owner?: string
  readonly CreateTime: number
  readonly UpdateTime: number
  readonly TableType?: string
  readonly Parameters?: Readonly<Record<string, string>>
  readonly PartitionKeys: readonly GlueColumn[]
  readonly StorageDescriptor: GlueStorageDescriptor
  readonly CatalogId: string
}

export interface GluePartition {
  readonly Values: readonly string[]
  readonly DatabaseName: string
  readonly TableName: string
  readonly CreationTime: number
  readonly LastAccessTime?: number
  readonly StorageDescriptor: GlueStorageDescriptor
  readonly Parameters?: Readonly<Record<string, string>>
  readonly CatalogId: string
}

/** What a caller gives to create or update a database (Glue's DatabaseInput). */
export type GlueDatabaseInput = Omit<GlueDatabase, 'CreateTime' | 'CatalogId'>
/** Glue's TableInput. */
export type GlueTableInput = Omit<
  GlueTable,
  'DatabaseName' | 'CreateTime' | 'UpdateTime' | 'CatalogId' | 'PartitionKeys'
> & {
  readonly PartitionKeys?: readonly GlueColumn[]
}
/** Glue's PartitionInput. */
export interface GluePartitionInput {
  readonly Values: readonly string[]
  readonly StorageDescriptor?: GlueStorageDescriptor
  readonly Parameters?: Readonly<Record<string, string>>
}

/** A catalog failure, with the Glue error code the API answers with. */
export class GlueError extends Error {
  override readonly name = 'GlueError'
  constructor(
    /** `EntityNotFoundException`, `AlreadyExistsException` or `InvalidInputException`. */
    readonly code: 'EntityNotFoundException' | 'AlreadyExistsException' | 'InvalidInputException',
    message: string,
  ) {
    super(message)
  }
}

interface StoredTable {
  table: GlueTable
  /** Partition key (values joined by U+001F) -> partition. */
  partitions: Map<string, GluePartition>
}

interface StoredDatabase {
  database: GlueDatabase
  tables: Map<string, StoredTable>
}

interface CatalogFile {
  readonly version: 1
  readonly databases: readonly {
    readonly database: GlueDatabase
    readonly tables: readonly { readonly table: GlueTable; readonly partitions: readonly GluePartition[] }[]
  }[]
}

/** Glue's limits on names: 1-255 characters of a single line. */
const NAME = /^[^\r\n\t]{1,255}$/
/** A table may list at most this many partitions locally (bounded: the catalog is server memory). */
const MAX_PARTITIONS_PER_TABLE = 100_000
const MAX_TABLES = 10_000

const partitionKey = (values: readonly string[]): string => values.join('\u001f')

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new GlueError('InvalidInputException', `${kind} name must be 1 to 255 characters on one line.`)
  }
  // Glue stores database and table names in lower case.
  return name.toLowerCase()
}

/**
 * The catalog. Reads are synchronous (the gateway consults it on the statement path); changes resolve
 * once written to `file` (when given).
 *
 * @example
 * const glue = await GlueCatalog.open('/data/glue-catalog.json', '123456789012')
 * await glue.createDatabase({ Name: 'spectrumdb' })
 * glue.getTable('spectrumdb', 'sales') // throws GlueError EntityNotFoundException
 */
export class GlueCatalog {
  readonly #databases = new Map<string, StoredDatabase>()
  readonly #file: string | undefined
  readonly #listeners = new Set<() => Promise<void> | void>()
  #writing: Promise<void> = Promise.resolve()
  #tableCount = 0
  /** Bumped on every change: callers cache what they derived from the catalog against it. */
  generation = 0

  private constructor(
    file: string | undefined,
    readonly catalogId: string,
  ) {
    this.#file = file
  }

  /** Opens the catalog kept in `file` (created on the first change), or an in-memory one. */
  static async open(file: string | undefined, catalogId = '000000000000'): Promise<GlueCatalog> {
    const catalog = new GlueCatalog(file, catalogId)
    if (file !== undefined && existsSync(file)) {
      const data = JSON.parse(await readFile(file, 'utf8')) as CatalogFile
      for (const d of data.databases) {
        const tables = new Map<string, StoredTable>()
        for (const t of d.tables) {
          tables.set(t.table.Name, {
            table: t.table,
            partitions: new Map(t.partitions.map((p) => [partitionKey(p.Values), p])),
          })
          catalog.#tableCount++
        }
        catalog.#databases.set(d.database.Name, { database: d.database, tables })
      }
    }
    return catalog
  }

  /** Calls `listener` after every change; the change resolves once the listener's promise has. */
  onChange(listener: () => Promise<void> | void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async #changed(): Promise<void> {
    this.generation++
    const file = this.#file
    if (file !== undefined) {
      const snapshot: CatalogFile = {
        version: 1,
        databases: [...this.#databases.values()].map((d) => ({
          database: d.database,
          tables: [...d.tables.values()].map((t) => ({
            table: t.table,
            partitions: [...t.partitions.values()],
          })),
        })),
      }
      const text = JSON.stringify(snapshot)
      // One write at a time, in order; each replaces the file atomically.
      this.#writing = this.#writing.then(async () => {
        const temp = `${file}.tmp`
        await writeFile(temp, text, { mode: 0o600 })
        await rename(temp, file)
      })
      await this.#writing
    }
    await Promise.all([...this.#listeners].map((l) => l()))
  }

  #db(name: string): StoredDatabase {
    const d = this.#databases.get(name.toLowerCase())
    if (d === undefined) throw new GlueError('EntityNotFoundException', `Database ${name} not found.`)
    return d
  }

  #table(database: string, name: string): StoredTable {
    const t = this.#db(database).tables.get(name.toLowerCase())
    if (t === undefined) {
      throw new GlueError('EntityNotFoundException', `Table ${name} not found.`)
    }
    return t
  }

  hasDatabase(name: string): boolean {
    return this.#databases.has(name.toLowerCase())
  }

  getDatabase(name: string): GlueDatabase {
    return this.#db(name).database
  }

  listDatabases(): GlueDatabase[] {
    return [...this.#databases.values()].map((d) => d.database)
  }

  async createDatabase(input: GlueDatabaseInput): Promise<GlueDatabase> {
    const name = checkName('Database', input.Name)
    if (this.#databases.has(name)) throw new GlueError('AlreadyExistsException', 'Database already exists.')
    const database: GlueDatabase = {
      ...input,
      Name: name,
      CreateTime: Date.now() / 1000,
      CatalogId: this.catalogId,
    }
    this.#databases.set(name, { database, tables: new Map() })
    await this.#changed()
    return database
  }

  async updateDatabase(name: string, input: GlueDatabaseInput): Promise<void> {
    const d = this.#db(name)
    d.database = {
      ...input,
      Name: d.database.Name,
      CreateTime: d.database.CreateTime,
      CatalogId: this.catalogId,
    }
    await this.#changed()
  }

  /** Deletes a database and every table in it. */
  async deleteDatabase(name: string): Promise<void> {
    const d = this.#db(name)
    this.#tableCount -= d.tables.size
    this.#databases.delete(d.database.Name)
    await this.#changed()
  }

  hasTable(database: string, name: string): boolean {
    return this.#databases.get(database.toLowerCase())?.tables.has(name.toLowerCase()) === true
  }

  getTable(database: string, name: string): GlueTable {
    return this.#table(database, name).table
  }

  listTables(database: string): GlueTable[] {
    return [...this.#db(database).tables.values()].map((t) => t.table)
  }

  async createTable(database: string, input: GlueTableInput): Promise<GlueTable> {
    const d = this.#db(database)
    const name = checkName('Table', input.Name)
    if (d.tables.has(name)) throw new GlueError('AlreadyExistsException', `Table already exists.`)
    if (this.#tableCount >= MAX_TABLES) {
      throw new GlueError('InvalidInputException', `The local catalog holds at most ${MAX_TABLES} tables.`)
    }
    const table = this.#tableOf(d.database.Name, name, input, Date.now() / 1000)
    d.tables.set(name, { table, partitions: new Map() })
    this.#tableCount++
    await this.#changed()
    return table
  }

  #tableOf(database: string, name: string, input: GlueTableInput, created: number): GlueTable {
    const columns = input.StorageDescriptor?.Columns ?? []
    for (const c of [...columns, ...(input.PartitionKeys ?? [])]) checkName('Column', c.Name)
    return {
      ...input,
      Name: name,
      DatabaseName: database,
      CreateTime: created,
      UpdateTime: Date.now() / 1000,
      PartitionKeys: input.PartitionKeys ?? [],
      StorageDescriptor: input.StorageDescriptor ?? {},
      CatalogId: this.catalogId,
    }
  }

  async updateTable(database: string, input: GlueTableInput): Promise<void> {
    const t = this.#table(database, checkName('Table', input.Name))
    t.table = this.#tableOf(t.table.DatabaseName, t.table.Name, input, t.table.CreateTime)
    await this.#changed()
  }

  async deleteTable(database: string, name: string): Promise<void> {
    const d = this.#db(database)
    if (!d.tables.delete(name.toLowerCase()))
      throw new GlueError('EntityNotFoundException', `Table ${name} not found.`)
    this.#tableCount--
    await this.#changed()
  }

  getPartition(database: string, table: string, values: readonly string[]): GluePartition {
    const p = this.#table(database, table).partitions.get(partitionKey(values))
    if (p === undefined) throw new GlueError('EntityNotFoundException', 'Partition not found.')
    return p
  }

  listPartitions(database: string, table: string): GluePartition[] {
    return [...this.#table(database, table).partitions.values()]
  }

  #partitionOf(t: StoredTable, input: GluePartitionInput): GluePartition {
    const keys = t.table.PartitionKeys.length
    if (
      !Array.isArray(input.Values) ||
      input.Values.length !== keys ||
      input.Values.some((v) => typeof v !== 'string')
    ) {
      throw new GlueError(
        'InvalidInputException',
        `The number of partition values (${Array.isArray(input.Values) ? input.Values.length : 0}) does not match the number of partition keys (${keys}).`,
      )
    }
    return {
      Values: [...input.Values],
      DatabaseName: t.table.DatabaseName,
      TableName: t.table.Name,
      CreationTime: Date.now() / 1000,
      StorageDescriptor: input.StorageDescriptor ?? t.table.StorageDescriptor,
      ...(input.Parameters === undefined ? {} : { Parameters: input.Parameters }),
      CatalogId: this.catalogId,
    }
  }

  /**
   * Adds partitions; the ones that fail are returned with their error (as BatchCreatePartition does),
   * the others are kept.
   */
  async createPartitions(
    database: string,
    table: string,
    inputs: readonly GluePartitionInput[],
    ifNotExists = false,
  ): Promise<{ values: readonly string[]; error: GlueError }[]> {
    const t = this.#table(database, table)
    const errors: { values: readonly string[]; error: GlueError }[] = []
    for (const input of inputs) {
      try {
        const p = this.#partitionOf(t, input)
        const key = partitionKey(p.Values)
        if (t.partitions.has(key)) {
          if (ifNotExists) continue
          throw new GlueError('AlreadyExistsException', 'Partition already exists.')
        }
        if (t.partitions.size >= MAX_PARTITIONS_PER_TABLE) {
          throw new GlueError(
            'InvalidInputException',
            `The local catalog holds at most ${MAX_PARTITIONS_PER_TABLE} partitions per table.`,
          )
        }
        t.partitions.set(key, p)
      } catch (error) {
        if (!(error instanceof GlueError)) throw error
        errors.push({ values: Array.isArray(input.Values) ? input.Values : [], error })
      }
    }
    await this.#changed()
    return errors
  }

  /** Deletes partitions; the ones not found are returned (as BatchDeletePartition does). */
  async deletePartitions(
    database: string,
    table: string,
    values: readonly (readonly string[])[],
  ): Promise<{ values: readonly string[]; error: GlueError }[]> {
    const t = this.#table(database, table)
    const errors: { values: readonly string[]; error: GlueError }[] = []
    for (const v of values) {
      if (!t.partitions.delete(partitionKey(v)))
        errors.push({ values: v, error: new GlueError('EntityNotFoundException', 'Partition not found.') })
    }
    await this.#changed()
    return errors
  }

  /** Waits for pending writes of the file. */
  flush(): Promise<void> {
    return this.#writing
  }
}
