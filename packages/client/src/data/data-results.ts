import type { QueryId } from '../query/query-id.js'
import type { TableRef } from './table-ref.js'

/**
 * What a COPY did.
 *
 * @example
 * const r = await client.copyFromS3(copy)
 * console.log(`Loaded ${r.rowsLoaded} rows with ${r.errors} errors in ${r.durationMs} ms (query ${r.queryId})`)
 */
export interface CopyResult {
  /** Rows loaded (`pg_last_copy_count()`). */
  readonly rowsLoaded: number
  /** Rows skipped as bad under `maxErrors` / `ignoreAllErrors` (their STL_LOAD_ERRORS rows). */
  readonly errors: number
  /** When the COPY started, by the server's clock: pass it to `getLoadErrors(table, startTime)`. */
  readonly startTime: Date
  readonly durationMs: number
  /** The COPY's query id (`pg_last_copy_id()`), `''` when unknown. */
  readonly queryId: QueryId
  /** The table loaded. */
  readonly table: TableRef
}

/**
 * One file an UNLOAD wrote (a row of STL_UNLOAD_LOG).
 *
 * @example
 * const { files } = await client.unloadToS3(unload)
 * for (const f of files) console.log(f.url, f.rowCount, f.sizeBytes)
 */
export interface UnloadedFile {
  /** `s3://bucket/key`. */
  readonly url: string
  /** Rows written to the file. */
  readonly rowCount: number
  /** The file's size in bytes. */
  readonly sizeBytes: number
}

/**
 * What an UNLOAD did.
 *
 * @example
 * const r = await client.unloadToS3(unload)
 * console.log(`Exported ${r.rowsUnloaded} rows to ${r.filesCreated} files`, r.files.map((f) => f.url))
 */
export interface UnloadResult {
  /** Rows written (`pg_last_unload_count()`). */
  readonly rowsUnloaded: number
  /** How many data files were written (the manifest not counted). */
  readonly filesCreated: number
  /** The data files, in path order. */
  readonly files: readonly UnloadedFile[]
  /** Where the manifest is, when `manifest()` was on. */
  readonly manifestUrl?: string
  /** The UNLOAD's query id, `''` when unknown. */
  readonly queryId: QueryId
  readonly durationMs: number
}
