import type { PoolStats } from '../../transport/pool-stats.js'
import type {
  PreparedStatementSpec,
  StatementSettings,
  Transport,
  TransportCapabilities,
  TransportCursor,
  TransportCursorOptions,
  TransportDiagnostics,
  TransportResult,
  TransportSession,
  TransportStatement,
} from '../../transport/transport.js'
import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { QueryParam, Value } from '../../types/value.js'
import { delegatingCursor } from './delegating-cursor.js'
import { encodeError } from './error-codec.js'
import {
  encodeColumn,
  encodeResult,
  type RecordedExchange,
  type RecordedOp,
  type RecordingRedaction,
} from './recording-format.js'
import { normalizeParams, normalizeSql } from './recording-redaction.js'

/** Where a recording transport writes: the recorder. */
export interface RecordingSink {
  /** Whether exchanges are being recorded now. */
  readonly isRecording: boolean
  readonly redaction: RecordingRedaction
  /** Adds a finished exchange (numbered by the sink). */
  add(exchange: Omit<RecordedExchange, 'seq'>): void
}

type Pending = {
  readonly startedAt: Date
  readonly started: number
  readonly base: Omit<RecordedExchange, 'seq' | 'startedAt' | 'durationMs'>
}

function begin(
  sink: RecordingSink,
  op: RecordedOp,
  sql: string,
  params: readonly QueryParam[],
  session: string | null,
): Pending | undefined {
  if (!sink.isRecording) return undefined
  return {
    startedAt: new Date(),
    started: performance.now(),
    base: {
      op,
      sql: normalizeSql(sql, sink.redaction),
      params: normalizeParams(params, sink.redaction),
      session,
    },
  }
}

function finish(sink: RecordingSink, pending: Pending | undefined, outcome: Partial<RecordedExchange>): void {
  if (pending === undefined) return
  sink.add({
    ...pending.base,
    startedAt: pending.startedAt.toISOString(),
    durationMs: Math.round((performance.now() - pending.started) * 1000) / 1000,
    ...outcome,
  })
}

async function recorded<T>(
  sink: RecordingSink,
  op: RecordedOp,
  sql: string,
  params: readonly QueryParam[],
  session: string | null,
  run: () => Promise<T>,
  describe: (value: T) => Partial<RecordedExchange>,
): Promise<T> {
  const pending = begin(sink, op, sql, params, session)
  try {
    const value = await run()
    finish(sink, pending, describe(value))
    return value
  } catch (error) {
    finish(sink, pending, { error: encodeError(error) })
    throw error
  }
}

const asResult = (r: TransportResult): Partial<RecordedExchange> => ({ result: encodeResult(r) })

/**
 * A transport that passes everything to a real one and records each exchange (statement, parameters,
 * result or error, timing) while its recorder is recording.
 */
export class RecordingTransport implements Transport {
  readonly name: string
  readonly capabilities: TransportCapabilities
  readonly openCursor?: (
    statement: TransportStatement,
    options: TransportCursorOptions,
  ) => Promise<TransportCursor>
  readonly #inner: Transport
  readonly #sink: RecordingSink
  #sessions = 0

  constructor(inner: Transport, sink: RecordingSink) {
    this.#inner = inner
    this.#sink = sink
    this.name = inner.name
    this.capabilities = inner.capabilities
    const open = inner.openCursor
    if (open !== undefined) {
      this.openCursor = async (statement, options) => {
        const pending = begin(sink, 'cursor', statement.sql, statement.params, null)
        let cursor: TransportCursor
        try {
          cursor = await open.call(inner, statement, options)
        } catch (error) {
          finish(sink, pending, { error: encodeError(error) })
          throw error
        }
        return recordingCursor(cursor, sink, pending)
      }
    }
  }

  execute(statement: TransportStatement): Promise<TransportResult> {
    return recorded(
      this.#sink,
      'execute',
      statement.sql,
      statement.params,
      null,
      () => this.#inner.execute(statement),
      asResult,
    )
  }

  prepare(prepared: PreparedStatementSpec, signal?: AbortSignal): Promise<readonly ColumnMetadata[]> {
    return recorded(
      this.#sink,
      'prepare',
      prepared.sql,
      [],
      null,
      () => this.#inner.prepare(prepared, signal),
      (columns) => ({
        columns: columns.map(encodeColumn),
      }),
    )
  }

  executePrepared(
    prepared: PreparedStatementSpec,
    params: readonly QueryParam[],
    settings: StatementSettings,
    signal?: AbortSignal,
  ): Promise<TransportResult> {
    return recorded(
      this.#sink,
      'execute-prepared',
      prepared.sql,
      params,
      null,
      () => this.#inner.executePrepared(prepared, params, settings, signal),
      asResult,
    )
  }

  deallocate(prepared: PreparedStatementSpec): Promise<void> {
    return this.#inner.deallocate(prepared)
  }

  async openSession(signal?: AbortSignal): Promise<TransportSession> {
    const inner = await this.#inner.openSession(signal)
    const label = `s${++this.#sessions}`
    const sink = this.#sink
    const session: TransportSession = {
      get id() {
        return inner.id
      },
      get inTransaction() {
        return inner.inTransaction
      },
      execute: (statement) =>
        recorded(
          sink,
          'execute',
          statement.sql,
          statement.params,
          label,
          () => inner.execute(statement),
          asResult,
        ),
      executePrepared: (prepared, params, settings) =>
        recorded(
          sink,
          'execute-prepared',
          prepared.sql,
          params,
          label,
          () => inner.executePrepared(prepared, params, settings),
          asResult,
        ),
      release: (error?: unknown) => inner.release(error),
      ...(inner.cancel === undefined
        ? {}
        : { cancel: () => (inner.cancel as () => Promise<boolean>).call(inner) }),
    }
    return session
  }

  cancel(sessionId: string): Promise<boolean> {
    return this.#inner.cancel(sessionId)
  }

  stats(): PoolStats {
    return this.#inner.stats()
  }

  diagnostics(): Promise<TransportDiagnostics> {
    return this.#inner.diagnostics()
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  destroy(reason: unknown): void {
    this.#inner.destroy?.(reason)
  }
}

/** A cursor that records the rows read through it, as one exchange, when it ends or is closed. */
function recordingCursor(
  cursor: TransportCursor,
  sink: RecordingSink,
  pending: ReturnType<typeof begin>,
): TransportCursor {
  const rows: (readonly Value[])[] = []
  let complete = false
  let written = false
  const write = (outcome: Partial<RecordedExchange>): void => {
    if (written) return
    written = true
    finish(sink, pending, outcome)
  }
  const asResult = (): Partial<RecordedExchange> => ({
    result: encodeResult({
      columns: cursor.columns,
      rows,
      rowsAffected: rows.length,
      command: 'SELECT',
      queryId: cursor.queryId,
    }),
    complete,
  })
  return delegatingCursor(cursor, {
    async next() {
      try {
        const batch = await cursor.next()
        if (batch === null) {
          complete = true
          write(asResult())
        } else rows.push(...batch)
        return batch
      } catch (error) {
        write({ ...asResult(), error: encodeError(error) })
        throw error
      }
    },
    async close() {
      await cursor.close()
      write(asResult())
    },
  })
}
