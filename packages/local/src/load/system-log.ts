import type pg from 'pg'
import { connectAdmin } from '../engine/admin-session.js'
import type { LoadErrorRecord } from './load-error.js'

/** Who ran a COPY / UNLOAD, as the system tables record it. */
export interface StatementIdentity {
  readonly queryId: number
  readonly pid: number
  readonly user: string
  readonly database: string
}

/** One file a COPY read (a row of STL_LOAD_COMMITS). */
export interface LoadCommit {
  readonly fileName: string
  readonly linesScanned: number
  readonly errors: number
  readonly fileFormat: string
}

/** One COPY (a row of SYS_LOAD_HISTORY). */
export interface LoadSummary {
  readonly status: 'completed' | 'aborted'
  readonly tableName: string
  readonly tableId: number
  readonly startTime: Date
  readonly endTime: Date
  readonly dataSource: string
  readonly fileFormat: string
  readonly loadedRows: number
  readonly loadedBytes: number
  readonly sourceFileCount: number
  readonly sourceFileBytes: number
  readonly errorCount: number
}

/** One file an UNLOAD wrote (a row of STL_UNLOAD_LOG). */
export interface UnloadFile {
  readonly path: string
  readonly startTime: Date
  readonly endTime: Date
  readonly lineCount: number
  readonly transferSize: number
  readonly fileFormat: string
}

/** One UNLOAD (a row of SYS_UNLOAD_HISTORY). */
export interface UnloadSummary {
  readonly status: 'completed' | 'aborted'
  readonly startTime: Date
  readonly endTime: Date
  readonly fileFormat: string
  readonly compressionType: string
  readonly location: string
  readonly rows: number
  readonly files: number
  readonly bytes: number
  readonly errorMessage: string | null
}

/**
 * Writes the COPY / UNLOAD system tables (rk_internal.load_errors, load_commits, load_history,
 * unload_log, unload_history) over a connection of its own, as the engine's superuser and outside the
 * client's transaction: like Redshift's STL tables, the rows stay when the statement fails and its
 * transaction rolls back.
 */
export class SystemLog {
  readonly #connect: () => pg.Client
  #client: Promise<pg.Client> | undefined
  #tail: Promise<unknown> = Promise.resolve()
  readonly #userIds = new Map<string, number>()

  /** `connect` makes a new, unconnected client to the database that holds rk_internal. */
  constructor(connect: () => pg.Client) {
    this.#connect = connect
  }

  async loadErrors(who: StatementIdentity, tableId: number, at: Date, errors: readonly LoadErrorRecord[]) {
    if (errors.length === 0) return
    const base = await this.#base(who)
    const rows = errors.map((e) => ({
      ...base,
      table_id: tableId,
      slice: 0,
      start_time: at.toISOString(),
      file_name: e.fileName,
      line_number: e.lineNumber,
      column_name: e.columnName,
      column_type: e.columnType,
      column_length: e.columnLength,
      position: e.position,
      raw_line: e.rawLine,
      raw_field_value: e.rawFieldValue,
      error_code: e.code,
      error_message: e.reason,
      is_partial: 0,
      start_offset: 0,
      copy_job_id: 0,
    }))
    await this.#insert('load_errors', rows)
  }

  async loadCommits(who: StatementIdentity, at: Date, commits: readonly LoadCommit[]) {
    if (commits.length === 0) return
    const base = await this.#base(who)
    const rows = commits.map((c) => ({
      user_id: base.user_id,
      user_name: base.user_name,
      query_id: base.query_id,
      slice: 0,
      name: c.fileName,
      file_name: c.fileName,
      byte_offset: 0,
      lines_scanned: c.linesScanned,
      errors: c.errors === 0 ? -1 : c.errors,
      curtime: at.toISOString(),
      status: 1,
      file_format: c.fileFormat,
      is_partial: 0,
      start_offset: 0,
      copy_job_id: 0,
    }))
    await this.#insert('load_commits', rows)
  }

  async loadHistory(who: StatementIdentity, s: LoadSummary) {
    const base = await this.#base(who)
    await this.#insert('load_history', [
      {
        user_id: base.user_id,
        user_name: base.user_name,
        query_id: base.query_id,
        transaction_id: null,
        session_id: base.session_id,
        database_name: base.database_name,
        status: s.status,
        table_name: s.tableName,
        start_time: s.startTime.toISOString(),
        end_time: s.endTime.toISOString(),
        data_source: s.dataSource,
        file_format: s.fileFormat,
        loaded_rows: s.loadedRows,
        loaded_bytes: s.loadedBytes,
        source_file_count: s.sourceFileCount,
        source_file_bytes: s.sourceFileBytes,
        file_count_scanned: s.sourceFileCount,
        file_bytes_scanned: s.sourceFileBytes,
        error_count: s.errorCount,
        copy_job_id: 0,
      },
    ])
  }

  async unloadLog(who: StatementIdentity, files: readonly UnloadFile[]) {
    if (files.length === 0) return
    const base = await this.#base(who)
    const rows = files.map((f) => ({
      user_id: base.user_id,
      user_name: base.user_name,
      query_id: base.query_id,
      slice: 0,
      pid: base.session_id,
      path: f.path,
      start_time: f.startTime.toISOString(),
      end_time: f.endTime.toISOString(),
      line_count: f.lineCount,
      transfer_size: f.transferSize,
      file_format: f.fileFormat,
    }))
    await this.#insert('unload_log', rows)
  }

  async unloadHistory(who: StatementIdentity, s: UnloadSummary) {
    const base = await this.#base(who)
    await this.#insert('unload_history', [
      {
        user_id: base.user_id,
        user_name: base.user_name,
        query_id: base.query_id,
        transaction_id: null,
        session_id: base.session_id,
        database_name: base.database_name,
        status: s.status,
        start_time: s.startTime.toISOString(),
        end_time: s.endTime.toISOString(),
        file_format: s.fileFormat,
        compression_type: s.compressionType,
        unloaded_location: s.location,
        unloaded_rows: s.rows,
        unloaded_files_count: s.files,
        unloaded_files_size: s.bytes,
        error_message: s.errorMessage,
      },
    ])
  }

  /** Closes the connection (the executor's server is stopping). */
  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    if (client !== undefined) await (await client.catch(() => undefined))?.end().catch(() => undefined)
  }

  async #base(who: StatementIdentity) {
    let userId = this.#userIds.get(who.user)
    if (userId === undefined) {
      const r = await this.#run('SELECT oid::int AS oid FROM pg_catalog.pg_roles WHERE rolname = $1', [
        who.user,
      ])
      userId = Number((r.rows[0] as { oid?: number } | undefined)?.oid ?? 0)
      this.#userIds.set(who.user, userId)
    }
    return {
      user_id: userId,
      user_name: who.user,
      query_id: who.queryId,
      transaction_id: null,
      session_id: who.pid,
      database_name: who.database,
    }
  }

  async #insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    const columns = Object.keys(rows[0] as Record<string, unknown>)
    await this.#run(
      `INSERT INTO rk_internal.${table} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM pg_catalog.json_populate_recordset(NULL::rk_internal.${table}, $1::json)`,
      [JSON.stringify(rows)],
    )
  }

  /** One statement at a time on the shared session (COPYs may log at the same time). */
  #run(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    const run = this.#tail.then(() => this.#runNow(sql, params))
    this.#tail = run.catch(() => undefined)
    return run
  }

  async #runNow(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    this.#client ??= (async () => {
      const client = this.#connect()
      // A dropped connection is replaced at the next write.
      client.on('error', () => {
        this.#client = undefined
      })
      await connectAdmin(client)
      return client
    })()
    const client = this.#client
    try {
      return await (await client).query(sql, params)
    } catch (error) {
      if (this.#client === client && (error as { code?: string }).code === undefined) this.#client = undefined
      throw error
    }
  }
}
