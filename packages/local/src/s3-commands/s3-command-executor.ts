import type pg from 'pg'
import type { CommandExecutor } from '../gateway/command-executor.js'
import { executeCopy } from '../load/copy-executor.js'
import { SystemLog } from '../load/system-log.js'
import type { ObjectStore } from '../s3/index.js'
import { executeUnload } from '../unload/unload-executor.js'

/** The gateway's executor of COPY and UNLOAD over the local object store, and its connection to close. */
export interface S3CommandExecutor {
  readonly execute: CommandExecutor
  /** Closes the system-table connection. */
  close(): Promise<void>
}

/**
 * Makes the executor `startGateway` takes as `commandExecutor`: COPY from and UNLOAD to `s3://` URLs of
 * `store`. `connect` opens a superuser connection to the database holding rk_internal, where the
 * STL/SYS tables of loads and unloads are written.
 *
 * @example
 * const s3 = createS3CommandExecutor(new ObjectStore(dir), () => engine.client('dev'))
 * await startGateway({ ...options, commandExecutor: s3.execute })
 */
export function createS3CommandExecutor(store: ObjectStore, connect: () => pg.Client): S3CommandExecutor {
  const log = new SystemLog(connect)
  const deps = { store, log }
  return {
    execute: (command, ctx) =>
      command.type === 'copy' ? executeCopy(command.text, ctx, deps) : executeUnload(command.text, ctx, deps),
    close: () => log.close(),
  }
}
