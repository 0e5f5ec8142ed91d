import type { ColumnMetadata, Row } from '@redshift-kit/client'

/**
 * Where a command writes rows: batch by batch, so memory stays bounded whatever the result's size.
 *
 * @example
 * await sink.begin(stream.columns); for await (const batch of stream.batches()) await sink.write(batch); await sink.end()
 */
export interface RowSink {
  begin(columns: readonly ColumnMetadata[]): Promise<void>
  /** Resolves once the batch is handed to the output (waits on backpressure). */
  write(rows: readonly Row[]): Promise<void>
  end(): Promise<void>
  /** Bytes written so far (for the progress line). */
  readonly bytes: number
}
