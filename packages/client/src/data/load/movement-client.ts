import type { RedshiftConfig } from '../../config/redshift-config.js'
import type { LoadError } from '../../errors/load-error.js'
import type { Query } from '../../query/query.js'
import type { QueryResult } from '../../query/query-result.js'
import type { Transaction } from '../../transaction/transaction.js'
import type { CopyCommand } from '../copy-command.js'
import type { DataCallOptions } from '../data-context.js'
import type { CopyResult, UnloadResult } from '../data-results.js'
import type { TableRef } from '../table-ref.js'
import type { UnloadCommand } from '../unload-command.js'

/**
 * What data movement uses of the client: its public operations only, so loads and unloads go through
 * the same statement path (policies, telemetry, deadlines) as everything else.
 */
export interface MovementClient {
  readonly config: RedshiftConfig
  executeQuery(query: Query | string, options?: { signal?: AbortSignal }): Promise<QueryResult>
  copyFromS3(command: CopyCommand, options?: DataCallOptions): Promise<CopyResult>
  unloadToS3(command: UnloadCommand, options?: DataCallOptions): Promise<UnloadResult>
  getLoadErrors(
    table: TableRef | string,
    since: Date,
    options?: { signal?: AbortSignal },
  ): Promise<LoadError[]>
  executeInTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>
}
