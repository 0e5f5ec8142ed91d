/**
 * The local Spectrum: runs external DDL against the Glue catalog, keeps each database's engine-side
 * objects in step with the catalog (whoever changed it: SQL or the Glue API), refreshes the cache
 * tables a statement reads, and records scans for svl_s3query_summary. It works on its own engine
 * connections (one per database, one operation at a time), never in the client's session: external
 * tables are not transactional on Redshift either.
 */

import type { TranslatedStatement } from '@redshift-kit/dialect'
import type pg from 'pg'
import { type GlueCatalog, GlueError, type GlueTable } from '../aws/glue/glue-catalog.js'
import { GatewayCommandError } from '../gateway/command-executor.js'
import type { StatementHook, StatementHookSession } from '../gateway/statement-hook.js'
import type { ObjectStore } from '../s3/index.js'
import type { SpectrumStatement } from './ddl-parse.js'
import { type CachePartition, cacheDdl, EngineCache, quoteIdent, type RefreshResult } from './engine-cache.js'
import type { ExternalSchemas } from './external-schemas.js'
import {
  dataSchema,
  type ExternalTable,
  glueStorage,
  resolveExternalTable,
  storageSchema,
} from './external-table.js'
import { ExternalTypeError, externalType } from './external-types.js'
import { SpectrumScanError } from './file-rows.js'
import type { SpectrumDialect } from './spectrum-dialect.js'
import type { ExternalRef } from './statement-scan.js'

/** What the service needs. */
export interface SpectrumServiceOptions {
  readonly catalog: GlueCatalog
  readonly schemas: ExternalSchemas
  readonly store: ObjectStore
  readonly dialect: SpectrumDialect
  /** A new engine-superuser connection to `database` (not yet connected). */
  readonly connect: (database: string) => pg.Client
  /** The database holding rk_internal. */
  readonly adminDatabase: string
  readonly log: (line: string) => void
}

const error = (sqlState: string, message: string, hint?: string) =>
  new GatewayCommandError(sqlState, message, hint === undefined ? {} : { hint })

/** One connection and the queue of operations on it. */
class DatabaseLink {
  #client: pg.Client | undefined
  #tail: Promise<unknown> = Promise.resolve()
  readonly cache = new EngineCache()
  /** Tables whose engine objects exist: key -> definition key. */
  readonly built = new Map<string, string>()
  readonly schemas = new Set<string>()

  constructor(
    readonly database: string,
    readonly connect: () => pg.Client,
  ) {}

  run<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const next = this.#tail.then(async () => {
      if (this.#client === undefined) {
        const c = this.connect()
        c.on('error', () => {
          if (this.#client === c) this.#client = undefined
        })
        await c.connect()
        this.#client = c
      }
      return fn(this.#client)
    })
    this.#tail = next.catch(() => undefined)
    return next
  }

  async close(): Promise<void> {
    await this.#tail
    await this.#client?.end().catch(() => undefined)
    this.#client = undefined
  }
}

/**
 * @example
 * const spectrum = new SpectrumService({ catalog, schemas, store, dialect, connect, adminDatabase: 'dev', log })
 * await spectrum.start()
 * await startGateway({ ...options, dialect, statementHook: spectrum })
 */
export class SpectrumService implements StatementHook {
  readonly #o: SpectrumServiceOptions
  readonly #links = new Map<string, DatabaseLink>()
  #syncing: Promise<void> = Promise.resolve()
  #unsubscribe: (() => void) | undefined

  constructor(options: SpectrumServiceOptions) {
    this.#o = options
  }

  /** Builds the engine objects of every external schema and follows the catalog's changes. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#o.catalog.onChange(() => this.sync())
    await this.sync()
  }

  async close(): Promise<void> {
    this.#unsubscribe?.()
    await this.#syncing.catch(() => undefined)
    await Promise.all([...this.#links.values()].map((l) => l.close()))
  }

  #link(database: string): DatabaseLink {
    let link = this.#links.get(database)
    if (link === undefined) {
      link = new DatabaseLink(database, () => this.#o.connect(database))
      this.#links.set(database, link)
    }
    return link
  }

  wants(translation: TranslatedStatement): boolean {
    return this.#o.dialect.actionOf(translation) !== undefined
  }

  async beforeStatement(
    translation: TranslatedStatement,
    queryId: number,
    session: StatementHookSession,
    signal?: AbortSignal,
  ): Promise<void> {
    const action = this.#o.dialect.actionOf(translation)
    if (action === undefined) return
    if (action.kind === 'ddl') {
      await this.#ddl(action.statement, session)
      return
    }
    await this.#syncing
    for (const ref of action.refs) await this.#scan(ref, queryId, session, signal)
  }

  /** Rebuilds what changed in the engine (all databases with external schemas) and the catalog mirror. */
  sync(): Promise<void> {
    const run = this.#syncing.then(() => this.#sync())
    this.#syncing = run.catch((e: unknown) => {
      this.#o.log(`[spectrum] catalog sync failed: ${e instanceof Error ? e.message : String(e)}`)
    })
    return this.#syncing
  }

  async #sync(): Promise<void> {
    const { schemas, catalog } = this.#o
    const databases = new Set([...schemas.list().map((s) => s.database), ...this.#links.keys()])
    for (const database of databases) {
      const link = this.#link(database)
      const records = schemas.list(database)
      await link.run(async (c) => {
        const wanted = new Map<string, ExternalTable>()
        for (const r of records) {
          for (const s of [r.schema, storageSchema(r.schema)]) {
            await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}`)
            await c.query(`GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO PUBLIC`)
          }
          // Users reach the cache only through the views (which run with their owner's rights).
          await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(dataSchema(r.schema))}`)
          link.schemas.add(r.schema)
          if (!catalog.hasDatabase(r.glueDatabase)) continue
          for (const g of catalog.listTables(r.glueDatabase)) {
            try {
              wanted.set(`${r.schema}.${g.Name}`, resolveExternalTable(r.schema, g))
            } catch (e) {
              if (!(e instanceof ExternalTypeError)) throw e
              this.#o.log(`[spectrum] ${r.schema}.${g.Name} is not readable here: ${e.message}`)
            }
          }
        }
        for (const [key, t] of wanted) {
          if (link.built.get(key) === t.definitionKey) continue
          for (const sql of cacheDdl(t)) await c.query(sql)
          link.built.set(key, t.definitionKey)
          link.cache.forget(t.schema, t.name)
        }
        for (const key of [...link.built.keys()]) {
          if (wanted.has(key)) continue
          const [schema, table] = splitKey(key)
          if (records.some((r) => r.schema === schema)) {
            const data = quoteIdent(dataSchema(schema))
            await c.query(`DROP VIEW IF EXISTS ${quoteIdent(schema)}.${quoteIdent(table)}`)
            await c.query(`DROP VIEW IF EXISTS ${quoteIdent(storageSchema(schema))}.${quoteIdent(table)}`)
            await c.query(`DROP TABLE IF EXISTS ${data}.${quoteIdent(table)}`)
            await c.query(`DROP TABLE IF EXISTS ${data}.${quoteIdent(`${table}$files`)}`)
          }
          link.built.delete(key)
          link.cache.forget(schema, table)
        }
        for (const schema of [...link.schemas]) {
          if (records.some((r) => r.schema === schema)) continue
          await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
          await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(storageSchema(schema))} CASCADE`)
          await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(dataSchema(schema))} CASCADE`)
          link.schemas.delete(schema)
        }
      })
    }
    await this.#mirror()
  }

  /** Rewrites rk_internal's copy of the catalog, which the svv_external_* views read. */
  async #mirror(): Promise<void> {
    const { schemas, catalog } = this.#o
    const rows = {
      schemas: [] as unknown[][],
      databases: [] as unknown[][],
      tables: [] as unknown[][],
      columns: [] as unknown[][],
      partitions: [] as unknown[][],
    }
    for (const d of catalog.listDatabases()) {
      rows.databases.push([d.Name, d.LocationUri ?? null, JSON.stringify(d.Parameters ?? {})])
    }
    for (const r of schemas.list()) {
      rows.schemas.push([
        r.oid,
        r.schema,
        100,
        r.owner,
        r.glueDatabase,
        JSON.stringify(r.options),
        r.database,
      ])
      if (!catalog.hasDatabase(r.glueDatabase)) continue
      for (const t of catalog.listTables(r.glueDatabase)) {
        const sd = t.StorageDescriptor
        const serde = JSON.stringify({ ...(sd.SerdeInfo?.Parameters ?? {}) })
        rows.tables.push([
          r.database,
          r.schema,
          t.Name,
          t.TableType ?? 'EXTERNAL_TABLE',
          sd.Location ?? null,
          sd.InputFormat ?? null,
          sd.OutputFormat ?? null,
          sd.SerdeInfo?.SerializationLibrary ?? null,
          serde,
          sd.Compressed === true ? 1 : 0,
          JSON.stringify(t.Parameters ?? {}),
        ])
        const cols = [
          ...(sd.Columns ?? []).map((c) => [c, 0] as const),
          ...t.PartitionKeys.map((c, i) => [c, i + 1] as const),
        ]
        cols.forEach(([c, part], i) => {
          rows.columns.push([r.database, r.schema, t.Name, c.Name.toLowerCase(), c.Type, i + 1, part, 'true'])
        })
        for (const p of catalog.listPartitions(r.glueDatabase, t.Name)) {
          const psd = p.StorageDescriptor
          rows.partitions.push([
            r.schema,
            t.Name,
            JSON.stringify(p.Values),
            psd.Location ?? null,
            psd.InputFormat ?? null,
            psd.OutputFormat ?? null,
            psd.SerdeInfo?.SerializationLibrary ?? null,
            JSON.stringify(psd.SerdeInfo?.Parameters ?? {}),
            psd.Compressed === true ? 1 : 0,
            JSON.stringify(p.Parameters ?? {}),
          ])
        }
      }
    }
    await this.#link(this.#o.adminDatabase).run(async (c) => {
      await c.query('BEGIN')
      try {
        for (const [table, list] of Object.entries({
          external_schemas: rows.schemas,
          external_databases: rows.databases,
          external_tables: rows.tables,
          external_columns: rows.columns,
          external_partitions: rows.partitions,
        })) {
          await c.query(`DELETE FROM rk_internal.${table}`)
          if (list.length > 0) {
            await c.query(
              `INSERT INTO rk_internal.${table} SELECT * FROM json_populate_recordset(NULL::rk_internal.${table}, $1)`,
              [JSON.stringify(list.map((values) => recordOf(table, values)))],
            )
          }
        }
        await c.query('COMMIT')
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined)
        throw e
      }
    })
  }

  #table(
    database: string,
    schema: string | null,
    table: string,
  ): { glue: GlueTable; external: ExternalTable } {
    const record = schema === null ? undefined : this.#o.schemas.find(database, schema)
    if (record === undefined || schema === null) {
      throw error('3F000', `External schema "${schema ?? ''}" does not exist in database "${database}"`)
    }
    try {
      const glue = this.#o.catalog.getTable(record.glueDatabase, table)
      return { glue, external: resolveExternalTable(schema, glue) }
    } catch (e) {
      if (e instanceof GlueError) throw error('42P01', `relation "${schema}.${table}" does not exist`)
      if (e instanceof ExternalTypeError) throw error('0A000', e.message)
      throw e
    }
  }

  #partitions(t: ExternalTable): CachePartition[] {
    if (t.partitionKeys.length === 0) return [{ values: [], location: t.location }]
    return this.#o.catalog
      .listPartitions(t.glueDatabase, t.name)
      .map((p) => ({ values: p.Values, location: p.StorageDescriptor.Location ?? '' }))
  }

  async #scan(
    ref: ExternalRef,
    queryId: number,
    session: StatementHookSession,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (this.#o.schemas.find(session.database, ref.schema) === undefined) return
    const { external: t } = this.#table(session.database, ref.schema, ref.table)
    const all = this.#partitions(t)
    const chosen = all.filter((p) => qualifies(t, p, ref.filters))
    const start = new Date()
    const link = this.#link(session.database)
    let result: RefreshResult
    try {
      result = await link.run((c) => {
        signal?.throwIfAborted()
        return link.cache.refresh(c, this.#o.store, t, chosen, all, signal)
      })
    } catch (e) {
      if (e instanceof SpectrumScanError) {
        throw new GatewayCommandError('XX000', 'Spectrum Scan Error', {
          detail: [
            '',
            '  -----------------------------------------------',
            '  error:  Spectrum Scan Error',
            '  code:      15007',
            `  context:   ${e.reason}${e.line === null ? '' : ` (line ${e.line})`}. File: ${e.file}`,
            `  query:     ${queryId}`,
            '  location:  redshift-local spectrum',
            `  process:   redshift-local [pid=${session.pid}]`,
            '  -----------------------------------------------',
          ].join('\n'),
        })
      }
      throw e
    }
    const end = new Date()
    const format = t.format.kind === 'unsupported' ? t.format.name : t.format.kind.toUpperCase()
    await this.#link(this.#o.adminDatabase).run((c) =>
      c.query(
        `INSERT INTO rk_internal.external_scans VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
          queryId,
          session.userId,
          session.user,
          session.pid,
          utc(start),
          utc(end),
          t.schema,
          t.name,
          format,
          t.partitionKeys.length > 0,
          all.length,
          chosen.length,
          result.files,
          result.bytes,
          result.rows,
          result.loaded,
          t.location,
        ],
      ),
    )
  }

  async #ddl(s: SpectrumStatement, session: StatementHookSession): Promise<void> {
    const { catalog, schemas } = this.#o
    const block = (what: string) => {
      if (session.inTransactionBlock) throw error('25001', `${what} cannot run inside a transaction block`)
    }
    // External schemas belong to their creator: only they (or a superuser) change what is in them.
    const owner = (schema: string | null) => {
      const record = schema === null ? undefined : schemas.find(session.database, schema)
      if (record !== undefined && !session.superuser && record.owner !== session.user) {
        throw error('42501', `must be owner of schema ${schema}`)
      }
    }
    switch (s.kind) {
      case 'createSchema': {
        block('CREATE EXTERNAL SCHEMA')
        if (schemas.find(session.database, s.schema) !== undefined) {
          if (s.ifNotExists) return
          throw error('42P06', `Schema "${s.schema}" already exists`)
        }
        const taken = await this.#link(session.database).run((c) =>
          c.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [s.schema]),
        )
        if (taken.rowCount !== 0) throw error('42P06', `Schema "${s.schema}" already exists`)
        if (!catalog.hasDatabase(s.glueDatabase)) {
          if (!s.createDatabase) {
            throw error(
              'XX000',
              `External database "${s.glueDatabase}" does not exist in the data catalog`,
              `add CREATE EXTERNAL DATABASE IF NOT EXISTS, or create it with: aws glue create-database --database-input Name=${s.glueDatabase}`,
            )
          }
          await catalog.createDatabase({ Name: s.glueDatabase })
        }
        await schemas.add({
          database: session.database,
          schema: s.schema,
          glueDatabase: s.glueDatabase.toLowerCase(),
          owner: session.user,
          options: { IAM_ROLE: s.iamRole ?? '', ...(s.region === null ? {} : { REGION: s.region }) },
        })
        await this.sync()
        return
      }
      case 'createTable': {
        block('CREATE EXTERNAL TABLE')
        owner(s.schema)
        const record = schemas.find(session.database, s.schema)
        if (record === undefined) throw error('3F000', `External schema "${s.schema}" does not exist`)
        const names = new Set<string>()
        for (const c of [...s.columns, ...s.partitionKeys]) {
          if (names.has(c.name)) throw error('42701', `column "${c.name}" specified more than once`)
          names.add(c.name)
        }
        const typed = (list: readonly { name: string; type: string }[]) =>
          list.map((c) => {
            try {
              return { Name: c.name, Type: externalType(c.type).hive }
            } catch (e) {
              if (e instanceof ExternalTypeError) throw error('0A000', e.message)
              throw e
            }
          })
        if (catalog.hasTable(record.glueDatabase, s.table)) {
          if (s.ifNotExists) return
          throw error('42P07', `Relation "${s.table}" already exists`)
        }
        const storage = glueStorage(s.format)
        await catalog.createTable(record.glueDatabase, {
          Name: s.table,
          TableType: 'EXTERNAL_TABLE',
          Owner: session.user,
          Parameters: { EXTERNAL: 'TRUE', ...s.properties },
          PartitionKeys: typed(s.partitionKeys),
          StorageDescriptor: {
            Columns: typed(s.columns),
            Location: s.location,
            InputFormat: storage.inputFormat,
            OutputFormat: storage.outputFormat,
            Compressed: false,
            NumberOfBuckets: -1,
            SerdeInfo: { SerializationLibrary: storage.serde, Parameters: storage.serdeParameters },
          },
        })
        return
      }
      case 'addPartitions': {
        block('ALTER EXTERNAL TABLE')
        owner(s.schema)
        const { external: t } = this.#table(session.database, s.schema, s.table)
        if (t.partitionKeys.length === 0) throw error('XX000', `Table "${s.table}" is not partitioned`)
        const inputs = s.partitions.map((p) => {
          const values = t.partitionKeys.map((k) => {
            const v = p.values.get(k.name)
            if (v === undefined)
              throw error('42703', `partition column "${k.name}" has no value in PARTITION (...)`)
            return v
          })
          if (p.values.size !== t.partitionKeys.length) {
            throw error(
              '42703',
              `PARTITION (...) names a column that is not a partition column of "${s.table}"`,
            )
          }
          return { Values: values, StorageDescriptor: { ...t.glue.StorageDescriptor, Location: p.location } }
        })
        const failed = await catalog.createPartitions(t.glueDatabase, t.name, inputs, s.ifNotExists)
        const first = failed[0]
        if (first !== undefined) throw error('XX000', `${first.error.message} (${first.values.join(', ')})`)
        return
      }
      case 'dropPartitions': {
        block('ALTER EXTERNAL TABLE')
        owner(s.schema)
        const { external: t } = this.#table(session.database, s.schema, s.table)
        const values = s.partitions.map((p) => t.partitionKeys.map((k) => p.get(k.name) ?? ''))
        const failed = await catalog.deletePartitions(t.glueDatabase, t.name, values)
        const first = failed[0]
        if (first !== undefined) throw error('XX000', `${first.error.message} (${first.values.join(', ')})`)
        return
      }
      case 'dropTable': {
        block('DROP EXTERNAL TABLE')
        owner(s.schema)
        const record = s.schema === null ? undefined : schemas.find(session.database, s.schema)
        if (record === undefined || !catalog.hasTable(record.glueDatabase, s.table)) {
          if (s.ifExists) return
          throw error('42P01', `Table "${s.table}" does not exist`)
        }
        await catalog.deleteTable(record.glueDatabase, s.table)
        return
      }
      case 'dropSchema': {
        owner(s.schema)
        const record = schemas.find(session.database, s.schema)
        if (record === undefined) {
          if (s.ifExists) return
          throw error('3F000', `Schema "${s.schema}" does not exist`)
        }
        await schemas.remove(session.database, s.schema)
        if (s.dropDatabase && catalog.hasDatabase(record.glueDatabase)) {
          await catalog.deleteDatabase(record.glueDatabase)
        }
        await this.sync()
        return
      }
    }
  }
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.')
  return [key.slice(0, dot), key.slice(dot + 1)]
}

function utc(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}

/** Whether a partition's values pass the statement's partition filters (type-aware for numbers). */
function qualifies(
  t: ExternalTable,
  p: CachePartition,
  filters: ReadonlyMap<string, ReadonlySet<string>> | null,
): boolean {
  if (filters === null) return true
  return t.partitionKeys.every((k, i) => {
    const allowed = filters.get(k.name)
    if (allowed === undefined) return true
    const value = p.values[i] ?? ''
    const numeric = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'].includes(k.type.category)
    for (const a of allowed) {
      if (numeric ? Number(a) === Number(value) : a === value) return true
    }
    return false
  })
}

const MIRROR_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  external_schemas: [
    'esoid',
    'schemaname',
    'esowner',
    'owner_name',
    'databasename',
    'esoptions',
    'redshift_database_name',
  ],
  external_databases: ['databasename', 'location', 'parameters'],
  external_tables: [
    'redshift_database_name',
    'schemaname',
    'tablename',
    'tabletype',
    'location',
    'input_format',
    'output_format',
    'serialization_lib',
    'serde_parameters',
    'compressed',
    'parameters',
  ],
  external_columns: [
    'redshift_database_name',
    'schemaname',
    'tablename',
    'columnname',
    'external_type',
    'columnnum',
    'part_key',
    'is_nullable',
  ],
  external_partitions: [
    'schemaname',
    'tablename',
    'values',
    'location',
    'input_format',
    'output_format',
    'serialization_lib',
    'serde_parameters',
    'compressed',
    'parameters',
  ],
}

function recordOf(table: string, values: readonly unknown[]): Record<string, unknown> {
  const names = MIRROR_COLUMNS[table] ?? []
  return Object.fromEntries(names.map((n, i) => [n, values[i]]))
}
