/**
 * One progress report of a long operation, given to `onProgress`.
 *
 * - every operation called with `onProgress`: `started`, then `finished` (rows, query id) or `failed`;
 * - streams (`streamResults`): `running` after each batch, with rows and bytes received so far and their rates;
 * - `batchExecute`: `running` after each chunk, with chunks done and rows so far;
 * - COPY / UNLOAD: `started`, then `finished` with the rows the server reports.
 *
 * @example
 * await client.copyFromS3(copy, { onProgress: (p) => console.log(p.phase, p.rows ?? '', `${p.elapsedMs} ms`) })
 */
export interface Progress {
  /** The client operation: `query`, `stream`, `batch`, `copy`, `unload`, ... */
  readonly operation: string
  readonly phase: 'started' | 'running' | 'finished' | 'failed'
  /** Since the operation started. */
  readonly elapsedMs: number
  /** Rows so far (streams, batches), or in all (finished). */
  readonly rows?: number
  /** Rows per second so far (streams). */
  readonly rowsPerSecond?: number
  /** Bytes: received so far (streams over the wire), or where the server says (UNLOAD). */
  readonly bytes?: number
  /** Bytes per second so far (streams over the wire). */
  readonly bytesPerSecond?: number
  /** Chunks (statements) of a batch done, and in all. */
  readonly chunksDone?: number
  readonly chunksTotal?: number
  /** Redshift's query id, once known. */
  readonly queryId?: string
}

/**
 * A callback of progress reports; it must return quickly (it runs on the operation's path). A
 * throwing callback is ignored, never failing the operation.
 *
 * @example
 * const onProgress: ProgressListener = (p) => bar.update(p.rows ?? 0)
 */
export type ProgressListener = (progress: Progress) => void

/** Calls `listener` with `progress`, swallowing what it throws. */
export function reportProgress(listener: ProgressListener | undefined, progress: Progress): void {
  if (listener === undefined) return
  try {
    listener(progress)
  } catch {
    // A progress bar that fails must not fail the load it reports on.
  }
}

/** The `onProgress` of per-call options, when it is a function. */
export function progressListenerOf(
  options: Readonly<Record<string, unknown>> | undefined,
): ProgressListener | undefined {
  const listener = options?.onProgress
  return typeof listener === 'function' ? (listener as ProgressListener) : undefined
}
