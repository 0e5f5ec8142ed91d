/**
 * The engine side of external tables: for external schema `s`, a real schema `s` of views (what users
 * query) over cache tables in `rk_spectrum_s`, which hold the rows read from the files plus `$path`,
 * `$size` and the partition columns. A cache table is refreshed from the files before each statement
 * that reads it: files added, changed (size or modification time) or removed since the last refresh,
 * in the partitions the statement needs, are (re)read; unchanged files are not read again.
 */

import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { ObjectInfo, ObjectStore } from '../s3/index.js'
import { parseS3Url } from '../s3/index.js'
import { dataSchema, type ExternalTable, storageSchema } from './external-table.js'
import { fileRows } from './file-rows.js'

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** A partition (or, for an unpartitioned table, the table's location) as the cache knows it. */
export interface CachePartition {
  readonly values: readonly string[]
  readonly location: string
}

interface FileState {
  /** The file's number in the cache table's `$file` column. */
  readonly id: number
  readonly size: number
  readonly mtime: number
  readonly rows: number
}

/** What the cache holds of one table: partition key -> file URL -> state. */
type TableState = Map<string, Map<string, FileState>>

/** What a refresh found, for the scan summary. */
export interface RefreshResult {
  readonly files: number
  readonly bytes: number
  readonly rows: number
  /** Files read from the store by this refresh (0 when every file was cached and unchanged). */
  readonly loaded: number
}

const partitionKey = (p: CachePartition): string => `${p.location}\u001f${p.values.join('\u001f')}`

/** Spectrum skips these (hidden and temporary files). */
function visible(file: ObjectInfo): boolean {
  const base = file.key.slice(file.key.lastIndexOf('/') + 1)
  return base !== '' && !/^[._#]/.test(base) && !base.endsWith('~')
}

/** The files directly under `location` (a folder: subfolders are not read). */
export async function listFiles(store: ObjectStore, location: string): Promise<ObjectInfo[]> {
  const { bucket, key } = parseS3Url(location)
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`
  let all: ObjectInfo[]
  try {
    all = await store.list(bucket, prefix)
  } catch {
    return []
  }
  return all.filter((f) => !f.key.slice(prefix.length).includes('/') && visible(f))
}

/**
 * The DDL of a table's engine objects: the cache table and its file list (unlogged: a cache, rebuilt
 * after a restart) in `rk_spectrum_data_<schema>`, the view users query in `<schema>`, and the view
 * with `$path` and `$size` in `rk_spectrum_<schema>` that statements naming those are rewritten to.
 * The cache rows carry a file number, not the path, so scans read rows as narrow as a local table's.
 */
export function cacheDdl(t: ExternalTable): string[] {
  const data = quoteIdent(dataSchema(t.schema))
  const cache = `${data}.${quoteIdent(t.name)}`
  const files = `${data}.${quoteIdent(`${t.name}$files`)}`
  const view = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`
  const pseudoView = `${quoteIdent(storageSchema(t.schema))}.${quoteIdent(t.name)}`
  const columns = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type.sql}`)
  const keys = t.partitionKeys.map(
    (c, i) =>
      `${quoteIdent(c.name)} ${c.type.sql} DEFAULT (pg_catalog.current_setting('rk.spectrum_p${i}'))::${c.type.sql}`,
  )
  const fileColumn = `"$file" integer DEFAULT (pg_catalog.current_setting('rk.spectrum_file'))::integer`
  const visible = [...t.columns, ...t.partitionKeys].map((c) => `c.${quoteIdent(c.name)}`).join(', ')
  return [
    `DROP VIEW IF EXISTS ${view}`,
    `DROP VIEW IF EXISTS ${pseudoView}`,
    `DROP TABLE IF EXISTS ${cache}`,
    `DROP TABLE IF EXISTS ${files}`,
    `CREATE UNLOGGED TABLE ${files} (id integer PRIMARY KEY, path character varying(1024) NOT NULL, size bigint NOT NULL)`,
    `CREATE UNLOGGED TABLE ${cache} (${[...columns, ...keys, fileColumn].join(', ')})`,
    `CREATE VIEW ${view} AS SELECT ${visible} FROM ${cache} c`,
    `CREATE VIEW ${pseudoView} AS SELECT ${visible}, f.path AS "$path", f.size AS "$size" FROM ${cache} c JOIN ${files} f ON f.id = c."$file"`,
    `GRANT SELECT ON ${view}, ${pseudoView} TO PUBLIC`,
  ]
}

/** The cache state of every table of one database (lost on restart: the tables are rebuilt then). */
export class EngineCache {
  readonly #tables = new Map<string, TableState>()
  #nextFile = 1

  forget(schema: string, table: string): void {
    this.#tables.delete(`${schema}.${table}`)
  }

  /**
   * Brings `partitions` of `t` up to date on `client` (one transaction), and drops the rows of cached
   * partitions that are no longer in `allPartitions`. Throws SpectrumScanError for a file that cannot be read.
   */
  async refresh(
    client: pg.Client,
    store: ObjectStore,
    t: ExternalTable,
    partitions: readonly CachePartition[],
    allPartitions: readonly CachePartition[],
    signal?: AbortSignal,
  ): Promise<RefreshResult> {
    const key = `${t.schema}.${t.name}`
    const state: TableState = this.#tables.get(key) ?? new Map()
    const next: TableState = new Map(state)
    const data = quoteIdent(dataSchema(t.schema))
    const cache = `${data}.${quoteIdent(t.name)}`
    const fileList = `${data}.${quoteIdent(`${t.name}$files`)}`
    const stale: number[] = []
    const live = new Set(allPartitions.map(partitionKey))
    for (const [pk, files] of state) {
      if (live.has(pk)) continue
      for (const f of files.values()) stale.push(f.id)
      next.delete(pk)
    }
    const toLoad: { file: ObjectInfo; partition: CachePartition; pk: string }[] = []
    let files = 0
    let bytes = 0
    let rows = 0
    for (const p of partitions) {
      const pk = partitionKey(p)
      const known = state.get(pk) ?? new Map<string, FileState>()
      const listed = await listFiles(store, p.location)
      const seen = new Set<string>()
      const kept = new Map<string, FileState>()
      for (const f of listed) {
        seen.add(f.url)
        files++
        bytes += f.size
        const had = known.get(f.url)
        if (had !== undefined && had.size === f.size && had.mtime === f.lastModified.getTime()) {
          kept.set(f.url, had)
          rows += had.rows
          continue
        }
        if (had !== undefined) stale.push(had.id)
        toLoad.push({ file: f, partition: p, pk })
      }
      for (const [url, had] of known) if (!seen.has(url)) stale.push(had.id)
      next.set(pk, kept)
    }
    if (stale.length === 0 && toLoad.length === 0) {
      this.#tables.set(key, next)
      return { files, bytes, rows, loaded: 0 }
    }
    const columns = t.columns.map((c) => quoteIdent(c.name)).join(', ')
    await client.query('BEGIN')
    try {
      if (stale.length > 0) {
        await client.query(`DELETE FROM ${cache} WHERE "$file" = ANY($1::integer[])`, [stale])
        await client.query(`DELETE FROM ${fileList} WHERE id = ANY($1::integer[])`, [stale])
      }
      for (const { file, partition, pk } of toLoad) {
        const id = this.#nextFile++
        await client.query(`INSERT INTO ${fileList} VALUES ($1, $2, $3)`, [id, file.url, file.size])
        const settings = [
          ['rk.spectrum_file', String(id)],
          ...partition.values.map((v, i) => [`rk.spectrum_p${i}`, v]),
        ]
        await client.query(
          `SELECT ${settings.map((_, i) => `pg_catalog.set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
          settings.flat(),
        )
        const read = { rows: 0 }
        const copy = client.query(
          copyFrom(`COPY ${cache} (${columns}) FROM STDIN WITH (FORMAT csv, NULL '')`),
        )
        await pipeline(Readable.from(fileRows(store, file, t, read, signal)), copy)
        rows += read.rows
        next
          .get(pk)
          ?.set(file.url, { id, size: file.size, mtime: file.lastModified.getTime(), rows: read.rows })
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
    this.#tables.set(key, next)
    return { files, bytes, rows, loaded: toLoad.length }
  }
}

export { literal as sqlLiteral }
