/**
 * The external schemas of the local cluster (Redshift keeps them in each database's catalog, not in
 * Glue): local schema name -> Glue database, with the options CREATE EXTERNAL SCHEMA was given. Kept
 * in memory for the statement path and written to a JSON file after each change.
 */
import { existsSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'

/** One external schema. */
export interface ExternalSchemaRecord {
  /** The Redshift database it was created in. */
  readonly database: string
  readonly schema: string
  readonly glueDatabase: string
  /** Owner (the user who created it). */
  readonly owner: string
  /** As svv_external_schemas.esoptions shows them: `{"IAM_ROLE":"..."}`. */
  readonly options: Readonly<Record<string, string>>
  /** A stable number standing for the schema's oid in the system views. */
  readonly oid: number
}

/** Schemas allowed per cluster (bounded: server memory). */
const MAX_SCHEMAS = 1000

/**
 * @example
 * const schemas = await ExternalSchemas.open('/data/spectrum-schemas.json')
 * schemas.find('dev', 'spectrum')?.glueDatabase
 */
export class ExternalSchemas {
  readonly #records = new Map<string, ExternalSchemaRecord>()
  readonly #file: string | undefined
  #writing: Promise<void> = Promise.resolve()
  #nextOid = 900_000
  generation = 0

  private constructor(file: string | undefined) {
    this.#file = file
  }

  static async open(file: string | undefined): Promise<ExternalSchemas> {
    const schemas = new ExternalSchemas(file)
    if (file !== undefined && existsSync(file)) {
      const list = JSON.parse(await readFile(file, 'utf8')) as ExternalSchemaRecord[]
      for (const r of list) {
        schemas.#records.set(key(r.database, r.schema), r)
        schemas.#nextOid = Math.max(schemas.#nextOid, r.oid + 1)
      }
    }
    return schemas
  }

  find(database: string, schema: string): ExternalSchemaRecord | undefined {
    return this.#records.get(key(database, schema))
  }

  /** True when any database has an external schema of this name (the dialect does not know the database). */
  hasName(schema: string): boolean {
    for (const r of this.#records.values()) if (r.schema === schema) return true
    return false
  }

  /** Every schema name, for a quick check of statement text. */
  names(): string[] {
    return [...new Set([...this.#records.values()].map((r) => r.schema))]
  }

  list(database?: string): ExternalSchemaRecord[] {
    const all = [...this.#records.values()]
    return database === undefined ? all : all.filter((r) => r.database === database)
  }

  async add(record: Omit<ExternalSchemaRecord, 'oid'>): Promise<ExternalSchemaRecord> {
    if (this.#records.size >= MAX_SCHEMAS) throw new Error(`at most ${MAX_SCHEMAS} external schemas`)
    const full = { ...record, oid: this.#nextOid++ }
    this.#records.set(key(record.database, record.schema), full)
    await this.#save()
    return full
  }

  async remove(database: string, schema: string): Promise<void> {
    this.#records.delete(key(database, schema))
    await this.#save()
  }

  #save(): Promise<void> {
    this.generation++
    const file = this.#file
    if (file === undefined) return Promise.resolve()
    const text = JSON.stringify([...this.#records.values()])
    this.#writing = this.#writing.then(async () => {
      await writeFile(`${file}.tmp`, text, { mode: 0o600 })
      await rename(`${file}.tmp`, file)
    })
    return this.#writing
  }
}

function key(database: string, schema: string): string {
  return `${database}\u001f${schema}`
}
