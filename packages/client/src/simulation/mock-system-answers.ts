import type { UnloadedFile } from '../data/data-results.js'
import { parseS3Url } from '../data/s3-location.js'
import type { TableRef } from '../data/table-ref.js'
import { ValidationError } from '../errors/client-errors.js'
import type { LoadError } from '../errors/load-error.js'
import type { TransportResult } from '../transport/transport.js'
import { QueryId } from '../types/query-id.js'
import type { QueryParam } from '../types/value.js'
import type { MockSessionState } from './mock-session-state.js'
import {
  cancelTarget,
  copyTarget,
  sameTable,
  sessionFunctionSelect,
  systemViewSelect,
  unloadTarget,
  type Words,
} from './redshift-system.js'

/** What `setCopyResponse` takes: a `CopyResult` (its timing is measured anew), or its counts. */
export interface MockCopyResponse {
  readonly rowsLoaded: number
  /** Rows skipped as bad (what STL_LOAD_ERRORS counts for the COPY). @default 0 */
  readonly errors?: number
  /** A numeric Redshift query id for the COPY; one is made up when absent or not numeric. */
  readonly queryId?: string
  /** The STL_LOAD_ERRORS rows `getLoadErrors` and a failed COPY's `loadErrors` read back. */
  readonly loadErrors?: readonly LoadError[]
}

/** What `setUnloadResponse` takes: an `UnloadResult` (its timing is measured anew), or its counts. */
export interface MockUnloadResponse {
  readonly rowsUnloaded: number
  /** The files written; made up from `filesCreated` when absent. */
  readonly files?: readonly UnloadedFile[]
  /** @default files.length, else 1 */
  readonly filesCreated?: number
  /** A numeric Redshift query id for the UNLOAD; one is made up when absent or not numeric. */
  readonly queryId?: string
}

/** What the system answers need from the server that owns the sessions. */
export interface MockSystemHost {
  /** Cancels what session `id` is running; false when it runs nothing. */
  cancel(id: string): boolean
  /** The query each session other than `except` is running, by session id (what STV_INFLIGHT shows). */
  inflight(except: MockSessionState): Map<string, number>
}

function tableKey(table: TableRef): string {
  return `${table.schema ?? ''}\u0000${table.name}`
}

/**
 * The mock server's answers to what the client itself runs around COPY and UNLOAD: the configured
 * COPY and UNLOAD results, `pg_last_copy_*` and the other session functions, STL_LOAD_ERRORS,
 * STL_UNLOAD_LOG and STV_INFLIGHT, and CANCEL.
 */
export class MockSystemAnswers {
  readonly #host: MockSystemHost
  #copies: { readonly table: TableRef; readonly response: MockCopyResponse }[] = []
  #unloads: { readonly prefix: string; readonly response: MockUnloadResponse }[] = []
  readonly #loads = new Map<number, { count: number; errors: readonly LoadError[] }>()
  readonly #unloadLog = new Map<number, readonly UnloadedFile[]>()
  readonly #tableIds = new Map<string, number>()

  constructor(host: MockSystemHost) {
    this.#host = host
  }

  setCopyResponse(table: TableRef, response: MockCopyResponse): void {
    const problems = []
    if (!Number.isInteger(response?.rowsLoaded) || response.rowsLoaded < 0) {
      problems.push({
        field: 'rowsLoaded',
        message: `must be a whole number >= 0, got ${String(response?.rowsLoaded)}`,
      })
    }
    if (response?.errors !== undefined && (!Number.isInteger(response.errors) || response.errors < 0)) {
      problems.push({
        field: 'errors',
        message: `must be a whole number >= 0, got ${String(response.errors)}`,
      })
    }
    if (problems.length > 0) throw new ValidationError('invalid COPY response', { problems })
    this.#copies.push({ table, response })
    const key = tableKey(table)
    if (!this.#tableIds.has(key)) this.#tableIds.set(key, 200_000 + this.#tableIds.size)
  }

  setUnloadResponse(prefix: string, response: MockUnloadResponse): void {
    const problems = []
    if (typeof prefix !== 'string' || prefix === '') {
      problems.push({
        field: 'prefix',
        message: "must be a non-empty S3 prefix ('reports/2024/' or 's3://bucket/reports/')",
      })
    }
    if (!Number.isInteger(response?.rowsUnloaded) || response.rowsUnloaded < 0) {
      problems.push({
        field: 'rowsUnloaded',
        message: `must be a whole number >= 0, got ${String(response?.rowsUnloaded)}`,
      })
    }
    if (problems.length > 0) throw new ValidationError('invalid UNLOAD response', { problems })
    this.#unloads.push({ prefix, response })
  }

  /** The table id the mock gives `table` in system views (for building `LoadError`s). */
  tableId(table: TableRef): number | undefined {
    return this.#tableIds.get(tableKey(table))
  }

  reset(): void {
    this.#copies = []
    this.#unloads = []
    this.#loads.clear()
    this.#unloadLog.clear()
    this.#tableIds.clear()
  }

  /** The answer to a system statement, or undefined when `sql` is not one this answers. */
  answer(
    sql: string,
    words: Words,
    params: readonly QueryParam[],
    session: MockSessionState,
    queryId: number,
  ): TransportResult | undefined {
    const functions = sessionFunctionSelect(words, session.counters, queryId - 1)
    if (functions !== undefined) return functions
    const copyTable = copyTarget(sql, words)
    if (copyTable !== undefined) return this.#copy(copyTable, session, queryId)
    const cancelPid = cancelTarget(sql)
    if (cancelPid !== undefined) {
      this.#host.cancel(cancelPid)
      return { columns: [], rows: [], rowsAffected: 0, command: 'CANCEL', queryId: '' }
    }
    const unloadTo = unloadTarget(sql, words)
    if (unloadTo !== undefined) return this.#unload(unloadTo, session, queryId)
    return systemViewSelect(words, params, {
      loads: this.#loads,
      unloads: this.#unloadLog,
      tableIds: this.#tableIds,
      inflight: this.#host.inflight(session),
    })
  }

  #copy(copyTable: TableRef, session: MockSessionState, queryId: number): TransportResult | undefined {
    const found = this.#copies.findLast((c) => sameTable(c.table, copyTable))
    if (found === undefined) return undefined
    const r = found.response
    const copyId = r.queryId !== undefined && QueryId.isRedshiftId(r.queryId) ? Number(r.queryId) : queryId
    const tableId = this.tableId(found.table) ?? 0
    session.counters.lastCopyCount = BigInt(r.rowsLoaded)
    session.counters.lastCopyId = copyId
    this.#loads.set(copyId, {
      count: r.errors ?? r.loadErrors?.length ?? 0,
      errors: (r.loadErrors ?? []).map((e) =>
        Object.freeze({ ...e, queryId: String(copyId), tableId: e.tableId || tableId }),
      ),
    })
    return { columns: [], rows: [], rowsAffected: r.rowsLoaded, command: 'COPY', queryId: String(copyId) }
  }

  #unload(unloadTo: string, session: MockSessionState, queryId: number): TransportResult | undefined {
    const location = parseS3Url(unloadTo)
    const found = this.#unloads.findLast(
      (u) => unloadTo.startsWith(u.prefix) || location?.key.startsWith(u.prefix) === true,
    )
    if (found === undefined) return undefined
    const r = found.response
    const unloadId = r.queryId !== undefined && QueryId.isRedshiftId(r.queryId) ? Number(r.queryId) : queryId
    const count = r.files?.length ?? r.filesCreated ?? 1
    const files =
      r.files ??
      Array.from({ length: count }, (_, i) => ({
        url: `${unloadTo}${String(i).padStart(4, '0')}_part_00`,
        rowCount: Math.floor(r.rowsUnloaded / count) + (i < r.rowsUnloaded % count ? 1 : 0),
        sizeBytes: 0,
      }))
    session.counters.lastUnloadCount = BigInt(r.rowsUnloaded)
    this.#unloadLog.set(unloadId, files)
    return {
      columns: [],
      rows: [],
      rowsAffected: r.rowsUnloaded,
      command: 'UNLOAD',
      queryId: String(unloadId),
    }
  }
}
