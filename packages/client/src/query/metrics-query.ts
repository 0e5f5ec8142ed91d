import { ValidationError } from '../errors/client-errors.js'
import { NotFoundError } from '../errors/query-errors.js'
import type { TransportResult } from '../transport/transport.js'
import { QueryId } from '../types/query-id.js'
import type { Value } from '../types/value.js'

/**
 * What Redshift recorded about one query, from SYS_QUERY_HISTORY and SVL_QUERY_METRICS_SUMMARY
 * (and SYS_QUERY_DETAIL for bytes scanned, where it exists). Durations are milliseconds; a figure the
 * server does not know (still running, a leader-only statement, a view missing on this cluster) is null.
 *
 * @example
 * const m = await client.getQueryMetrics(result.queryId)
 * console.log(`${m.elapsedMs} ms (${m.queueMs} queued), ${m.rowsReturned} rows, spilled ${m.spillMb ?? 0} MB`)
 */
export interface QueryMetrics {
  readonly queryId: QueryId
  /** `running`, `success`, `failed`, `canceled`, ... as SYS_QUERY_HISTORY says. */
  readonly status: string
  /** `SELECT`, `INSERT`, `COPY`, `UNLOAD`, `DDL`, ... */
  readonly queryType: string | null
  /** The query group it ran under (`default` when none). */
  readonly label: string | null
  /** The session (backend pid) it ran on. */
  readonly sessionId: number | null
  readonly startTime: Date | null
  readonly endTime: Date | null
  readonly elapsedMs: number | null
  readonly queueMs: number | null
  readonly executionMs: number | null
  readonly rowsReturned: number | null
  readonly bytesReturned: number | null
  /** Bytes read by the scan steps (SYS_QUERY_DETAIL). */
  readonly bytesScanned: number | null
  /** 1 MB blocks read. */
  readonly blocksRead: number | null
  readonly cpuTimeMs: number | null
  readonly cpuUsagePercent: number | null
  /** Intermediate results written to disk (MB): the query ran out of memory when above 0. */
  readonly spillMb: number | null
  readonly scanRowCount: number | null
  readonly joinRowCount: number | null
  readonly nestedLoopJoinRowCount: number | null
  readonly spectrumScanRowCount: number | null
  readonly spectrumScanSizeMb: number | null
  readonly cpuSkew: number | null
  readonly ioSkew: number | null
  /** WLM service class (queue) it ran in. */
  readonly serviceClass: number | null
  readonly errorMessage: string | null
}

/** Runs one lookup on any pooled connection. */
export type MetricsLookup = (sql: string, params: readonly string[]) => Promise<TransportResult>

type Columns = Readonly<{ [column: string]: Value }>

function recordOf(result: PromiseSettledResult<TransportResult>): Columns | undefined {
  if (result.status !== 'fulfilled') return undefined
  const row = result.value.rows[0]
  if (row === undefined) return undefined
  const out: { [column: string]: Value } = {}
  result.value.columns.forEach((c, i) => {
    out[c.name.toLowerCase()] = row[i] ?? null
  })
  return out
}

function num(record: Columns | undefined, column: string, scale = 1): number | null {
  const value = record?.[column]
  if (value === undefined || value === null) return null
  const n = Number(value)
  return Number.isFinite(n) ? n * scale : null
}

function text(record: Columns | undefined, column: string): string | null {
  const value = record?.[column]
  return typeof value === 'string' ? value.trim() : null
}

function date(record: Columns | undefined, column: string): Date | null {
  const value = record?.[column]
  return value instanceof Date ? value : null
}

const MICROS_TO_MS = 1 / 1000

/**
 * Options of `client.getQueryMetrics()`.
 *
 * @example
 * const metrics = await client.getQueryMetrics(result.queryId, { waitMs: 10_000 })
 */
export interface QueryMetricsOptions {
  readonly signal?: AbortSignal
  /**
   * How long to keep looking for a query SYS_QUERY_HISTORY does not list yet: the system views
   * lag behind the queries they describe, so a query that has just ended may not be there at once.
   * @default 3000
   */
  readonly waitMs?: number
}

const pause = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    signal?.throwIfAborted()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })

/**
 * Reads the metrics of a finished (or running) query. The three lookups go out together; the
 * metrics summary and detail views are optional (absent or empty, their figures are null). A query
 * not listed yet is looked for again, with growing pauses, for up to `waitMs`.
 */
export async function fetchQueryMetrics(
  lookup: MetricsLookup,
  queryId: QueryId,
  options: QueryMetricsOptions = {},
): Promise<QueryMetrics> {
  if (!QueryId.isRedshiftId(queryId)) {
    throw new ValidationError(`not a Redshift query id: ${JSON.stringify(queryId)}`, {
      problems: [
        {
          field: 'queryId',
          message: "pass a result's queryId, or an async query's status.redshiftQueryId once it has one",
        },
      ],
    })
  }
  const waitMs = options.waitMs ?? 3000
  const startedAt = Date.now()
  for (let attempt = 0; ; attempt++) {
    const [history, summary, detail] = await Promise.allSettled([
      lookup('SELECT * FROM sys_query_history WHERE query_id = $1', [queryId]),
      lookup('SELECT * FROM svl_query_metrics_summary WHERE query = $1', [queryId]),
      lookup(
        "SELECT SUM(input_bytes) AS bytes_scanned FROM sys_query_detail WHERE query_id = $1 AND TRIM(step_name) = 'scan'",
        [queryId],
      ),
    ])
    if (history.status === 'rejected') throw history.reason
    const h = recordOf(history)
    if (h !== undefined) return shape(queryId, h, recordOf(summary), recordOf(detail))
    const delay = Math.min(500, 50 * 2 ** attempt)
    if (Date.now() - startedAt + delay > waitMs) {
      throw new NotFoundError(
        `no query ${queryId} in SYS_QUERY_HISTORY (looked for ${waitMs} ms): it keeps about 7 days, and regular users see only their own queries`,
      )
    }
    await pause(delay, options.signal)
  }
}

function shape(queryId: QueryId, h: Columns, s: Columns | undefined, d: Columns | undefined): QueryMetrics {
  return Object.freeze({
    queryId,
    status: text(h, 'status') ?? 'unknown',
    queryType: text(h, 'query_type'),
    label: text(h, 'query_label'),
    sessionId: num(h, 'session_id'),
    startTime: date(h, 'start_time'),
    endTime: date(h, 'end_time'),
    elapsedMs: num(h, 'elapsed_time', MICROS_TO_MS),
    queueMs: num(h, 'queue_time', MICROS_TO_MS),
    executionMs: num(h, 'execution_time', MICROS_TO_MS),
    rowsReturned: num(h, 'returned_rows'),
    bytesReturned: num(h, 'returned_bytes'),
    bytesScanned: num(d, 'bytes_scanned'),
    blocksRead: num(s, 'query_blocks_read'),
    cpuTimeMs: num(s, 'query_cpu_time', 1000),
    cpuUsagePercent: num(s, 'query_cpu_usage_percent'),
    spillMb: num(s, 'query_temp_blocks_to_disk'),
    scanRowCount: num(s, 'scan_row_count'),
    joinRowCount: num(s, 'join_row_count'),
    nestedLoopJoinRowCount: num(s, 'nested_loop_join_row_count'),
    spectrumScanRowCount: num(s, 'spectrum_scan_row_count'),
    spectrumScanSizeMb: num(s, 'spectrum_scan_size_mb'),
    cpuSkew: num(s, 'cpu_skew'),
    ioSkew: num(s, 'io_skew'),
    serviceClass: num(h, 'service_class_id') ?? num(s, 'service_class'),
    errorMessage: text(h, 'error_message') || null,
  })
}
