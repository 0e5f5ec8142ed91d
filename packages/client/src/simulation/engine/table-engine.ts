import { quoteIdentifier } from '../../data/sql-quote.js'
import { UnsupportedError, ValidationError } from '../../errors/client-errors.js'
import type { TransportResult } from '../../transport/transport.js'
import { ColumnMetadata } from '../../types/column-metadata.js'
import type { DataType } from '../../types/data-type.js'
import { MAX_BIND_PARAMETERS, serializeParams } from '../../types/param-serializer.js'
import { createTypeParsers } from '../../types/type-parsers.js'
import { json, type QueryParam, type Value } from '../../types/value.js'
import type { MockTableSpec } from '../table-spec.js'
import { tableKey } from '../table-spec.js'
import { COMPAT_SQL, ENGINE_SEARCH_PATH } from './engine-compat.js'
import { type NeedsColumns, toEngineSql } from './engine-dialect.js'
import {
  describeOnEngine,
  type EngineDb,
  type EngineField,
  type EngineResult,
  type EngineSerializer,
  runOnEngine,
} from './engine-protocol.js'
import { EngineScheduler } from './engine-scheduler.js'
import { engineColumnType, redshiftOid } from './engine-types.js'

/** The version of PGlite the kit is tested with (an optional dependency of the package). */
export const PGLITE_PACKAGE = '@electric-sql/pglite@0.5.16'

interface PgliteModule {
  readonly PGlite: { create(options?: { loadDataDir?: Blob | File }): Promise<EngineDb> }
  readonly protocol: { readonly serialize: EngineSerializer }
}

// A variable specifier keeps bundlers from resolving the optional dependency ahead of time.
const PGLITE_SPECIFIER = '@electric-sql/pglite'
let pgliteModule: Promise<PgliteModule> | undefined
// A pristine engine with the compat schema, dumped once per process: loading it (about half a
// second) is several times faster than creating an engine from scratch.
let template: Promise<Blob | File> | undefined

function loadPglite(): Promise<PgliteModule> {
  pgliteModule ??= (import(PGLITE_SPECIFIER) as Promise<PgliteModule>).catch((error: unknown) => {
    pgliteModule = undefined
    throw new UnsupportedError(
      `mock tables run on an in-process PostgreSQL that is an optional dependency: install it with \`npm install --save-dev ${PGLITE_PACKAGE}\``,
      { cause: error },
    )
  })
  return pgliteModule
}

/** An open engine, and its Redshift types' OIDs (created by the compat SQL) -> the OIDs Redshift reports. */
interface OpenEngine {
  readonly db: EngineDb
  readonly serialize: EngineSerializer
  readonly typeOids: ReadonlyMap<number, number>
}

async function openEngine(): Promise<OpenEngine> {
  const mod = await loadPglite()
  let db: EngineDb
  if (template === undefined) {
    db = await mod.PGlite.create()
    const first = db
    template = (async () => {
      await first.exec(COMPAT_SQL)
      return first.dumpDataDir('none')
    })()
    try {
      await template
    } catch (error) {
      template = undefined
      await first.close().catch(() => undefined)
      throw error
    }
  } else {
    db = await mod.PGlite.create({ loadDataDir: await template })
  }
  await db.exec(
    `SET search_path TO ${ENGINE_SEARCH_PATH}; SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, MDY'`,
  )
  const serialize = mod.protocol.serialize
  const map = await runOnEngine(
    db,
    serialize,
    'SELECT engine_oid::int, redshift_oid FROM rk_internal.redshift_type_map',
    [],
  )
  const typeOids = new Map(map.rows.map(([engine, redshift]) => [Number(engine), Number(redshift)]))
  return { db, serialize, typeOids }
}

type SetupOp = {
  readonly describe: string
  readonly run: (db: EngineDb, serialize: EngineSerializer) => Promise<void>
}

/** How a statement relates to its session's transaction. */
export type EngineTxMode = 'autocommit' | 'in-transaction'

/**
 * The mock's tables: an in-process PostgreSQL (PGlite), started on first use. Setup calls are
 * synchronous for the test's convenience and applied before the next statement; statements run with
 * the client's own parameter serializers and type parsers, and their columns report the Redshift
 * types the tables were declared with.
 */
export class TableEngine {
  readonly #tables = new Map<string, MockTableSpec>()
  readonly #declared = new Map<string, DataType>()
  readonly #parsers = createTypeParsers()
  readonly #scheduler: EngineScheduler
  #pending: SetupOp[] = []
  #engine: Promise<OpenEngine> | undefined
  #typeOids: ReadonlyMap<number, number> = new Map()
  #closed = false

  constructor(lockWaitMs: number) {
    this.#scheduler = new EngineScheduler(lockWaitMs, () => this.#flush())
  }

  /** Whether any table has been created (statements that no response answers then run here). */
  get hasTables(): boolean {
    return this.#tables.size > 0
  }

  /** Whether the engine has been started. */
  get started(): boolean {
    return this.#engine !== undefined
  }

  /** The tables, by key. */
  table(key: string): MockTableSpec | undefined {
    return this.#tables.get(key)
  }

  createTable(spec: MockTableSpec): void {
    const key = tableKey(spec.ref)
    if (this.#tables.has(key)) {
      throw new ValidationError(`table ${spec.ref.toSql()} already exists in the mock`, {
        problems: [
          { field: 'table', message: 'clear it with clearTable(), or drop every table with reset()' },
        ],
      })
    }
    this.#tables.set(key, spec)
    const columns = spec.columns.map(
      (c) => `${quoteIdentifier(c.name)} ${engineColumnType(c)}${c.nullable === false ? ' NOT NULL' : ''}`,
    )
    this.#pending.push({
      describe: `createTable(${spec.ref.toSql()})`,
      run: async (db, serialize) => {
        await db.exec(
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(spec.schema)}; CREATE TABLE ${spec.sql} (${columns.join(', ')})`,
        )
        const attributes = await runOnEngine(
          db,
          serialize,
          `SELECT attrelid::int, attnum::int, attname FROM pg_attribute WHERE attrelid = '${spec.sql.replaceAll("'", "''")}'::regclass AND attnum > 0 AND NOT attisdropped`,
          [],
        )
        for (const [relid, attnum, name] of attributes.rows) {
          const column = spec.columns.find((c) => c.name === name)
          if (column !== undefined) this.#declared.set(`${relid}:${attnum}`, column.dataType)
        }
      },
    })
  }

  insertRows(spec: MockTableSpec, rows: readonly (readonly Value[])[]): void {
    if (rows.length === 0) return
    const casts = spec.columns.map((c) => engineColumnType(c))
    const perRow = spec.columns.length
    const rowsPerStatement = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / perRow))
    const names = spec.columns.map((c) => quoteIdentifier(c.name)).join(', ')
    const params: QueryParam[][] = rows.map((row) =>
      row.map((value, i) =>
        spec.columns[i]?.dataType === 'SUPER' && value !== null ? json(value) : (value as QueryParam),
      ),
    )
    this.#pending.push({
      describe: `insertRows(${spec.ref.toSql()})`,
      run: async (db, serialize) => {
        for (let start = 0; start < params.length; start += rowsPerStatement) {
          const chunk = params.slice(start, start + rowsPerStatement)
          const tuples = chunk.map(
            (_, r) => `(${casts.map((cast, c) => `$${r * perRow + c + 1}::${cast}`).join(', ')})`,
          )
          const result = await runOnEngine(
            db,
            serialize,
            `INSERT INTO ${spec.sql} (${names}) VALUES ${tuples.join(', ')}`,
            serializeParams(chunk.flat()),
          )
          if (result.status !== 'I') await runOnEngine(db, serialize, 'ROLLBACK', [])
        }
      },
    })
  }

  clearTable(spec: MockTableSpec): void {
    this.#pending.push({
      describe: `clearTable(${spec.ref.toSql()})`,
      run: async (db) => {
        await db.exec(`DELETE FROM ${spec.sql}`)
      },
    })
  }

  /** Drops every table and schema the mock created (for `reset()`). */
  dropAll(): void {
    const specs = [...this.#tables.values()]
    this.#tables.clear()
    this.#pending = []
    if (!this.started || specs.length === 0) return
    this.#pending.push({
      describe: 'reset()',
      run: async (db) => {
        const schemas = new Set(specs.map((s) => s.schema))
        await db.exec(specs.map((s) => `DROP TABLE IF EXISTS ${s.sql} CASCADE;`).join(' '))
        for (const schema of schemas) {
          if (schema !== 'public') await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`)
        }
        this.#declared.clear()
      },
    })
  }

  /** Applies pending setup now (it is otherwise applied before the next statement). */
  async ready(): Promise<void> {
    if (this.#pending.length === 0 && !this.hasTables) return
    await this.#scheduler.run('setup', async () => undefined)
  }

  /** Runs a statement for `session`; inside a transaction the session holds the engine until it ends. */
  async execute(
    session: string,
    sql: string,
    params: readonly QueryParam[],
    mode: EngineTxMode,
  ): Promise<TransportResult> {
    const values = serializeParams(params)
    const translated = toEngineSql(sql)
    return this.#scheduler.run(session, async () => {
      const { db, serialize } = await this.#open()
      const engineSql = await withColumns(db, serialize, sql, translated)
      if (mode === 'in-transaction' && this.#scheduler.owner !== session) {
        await runOnEngine(db, serialize, 'BEGIN', [])
        this.#scheduler.setOwner(session)
      }
      let status = 'I'
      try {
        const result = await runOnEngine(db, serialize, engineSql, values)
        status = result.status
        return this.#typed(result)
      } catch (error) {
        status = (error as { transactionStatus?: string }).transactionStatus ?? 'I'
        throw error
      } finally {
        // An autocommit statement that opened a transaction (a bare BEGIN) leaves it open on a pooled
        // connection; the pool discards such a connection, and the server rolls the transaction back.
        if (mode === 'autocommit' && status !== 'I') await runOnEngine(db, serialize, 'ROLLBACK', [])
      }
    })
  }

  /** The columns a statement would return, without running it. */
  async describe(session: string, sql: string): Promise<readonly ColumnMetadata[]> {
    const translated = toEngineSql(sql)
    return this.#scheduler.run(session, async () => {
      const { db, serialize } = await this.#open()
      const engineSql = await withColumns(db, serialize, sql, translated)
      const { fields } = await describeOnEngine(db, serialize, engineSql)
      return fields.map((f) => this.#column(f))
    })
  }

  /**
   * Ends `session`'s transaction on the engine with COMMIT or ROLLBACK, and returns the engine's
   * result (COMMIT of a failed transaction reports ROLLBACK); `undefined` when the session's
   * transaction never reached the engine.
   */
  async finish(session: string, command: 'COMMIT' | 'ROLLBACK'): Promise<TransportResult | undefined> {
    if (this.#scheduler.owner !== session) return undefined
    return this.#scheduler.run(session, async () => {
      const { db, serialize } = await this.#open()
      try {
        return this.#typed(await runOnEngine(db, serialize, command, []))
      } finally {
        this.#scheduler.setOwner(null)
      }
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    const engine = this.#engine
    this.#engine = undefined
    if (engine === undefined) return
    try {
      const { db } = await engine
      if (!db.closed) await db.close()
    } catch {
      // An engine that failed to start has nothing to close.
    }
  }

  #open(): Promise<OpenEngine> {
    if (this.#closed)
      return Promise.reject(new ValidationError('the mock is closed; create a new MockRedshiftClient'))
    this.#engine ??= openEngine().then((opened) => {
      this.#typeOids = opened.typeOids
      return opened
    })
    const engine = this.#engine
    engine.catch(() => {
      if (this.#engine === engine) this.#engine = undefined
    })
    return engine
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return
    const { db, serialize } = await this.#open()
    const ops = this.#pending
    this.#pending = []
    for (const op of ops) {
      try {
        await op.run(db, serialize)
      } catch (error) {
        throw new ValidationError(
          `mock setup failed in ${op.describe}: ${String((error as Error)?.message ?? error)}`,
          { cause: error },
        )
      }
    }
  }

  #column(f: EngineField): ColumnMetadata {
    const declared = f.tableID > 0 ? this.#declared.get(`${f.tableID}:${f.columnID}`) : undefined
    const oid = this.#typeOids.get(f.dataTypeID) ?? f.dataTypeID
    return ColumnMetadata.fromWire(f.name, redshiftOid(oid, declared), f.dataTypeModifier)
  }

  #typed(result: EngineResult): TransportResult {
    const columns = result.fields.map((f) => this.#column(f))
    const parsers = columns.map((c) => this.#parsers(c.typeOid))
    const rows = result.rows.map((row) =>
      row.map((text, i) => (text === null ? null : (parsers[i] as (t: string) => Value)(text))),
    )
    return { columns, rows, rowsAffected: result.rowCount, command: result.command, queryId: '' }
  }
}

/**
 * The engine text of a statement whose translation needed relations' columns (PIVOT / UNPIVOT over a
 * plain table or view): read from the engine's catalog, as redshift-local's gateway does, and
 * translated again. Other statements pass through untouched.
 */
async function withColumns(
  db: EngineDb,
  serialize: EngineSerializer,
  sql: string,
  translated: string | NeedsColumns,
): Promise<string> {
  if (typeof translated === 'string') return translated
  const known = new Map<string, readonly string[]>()
  for (const relation of translated.needsColumns) {
    const qualified = relation.split('.').map(quoteIdentifier).join('.')
    const r = await runOnEngine(db, serialize, RELATION_COLUMNS_SQL, serializeParams([qualified]))
    if (r.rows.length > 0)
      known.set(
        relation,
        r.rows.map((row) => row[0] as string),
      )
  }
  return toEngineSql(sql, (relation) => known.get(relation)) as string
}

/** A relation's columns in order; none when it does not exist (`to_regclass` follows the search path). */
const RELATION_COLUMNS_SQL = `SELECT attname FROM pg_catalog.pg_attribute
WHERE attrelid = pg_catalog.to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`
