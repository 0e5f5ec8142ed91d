import type { CopyCommand } from '../data/copy-command.js'
import {
  type CopyOperationKind,
  getLoadErrors as loadErrorsSince,
  prepareCopy,
  runCopy,
} from '../data/copy-operations.js'
import {
  assertDataCallOptions,
  type DataCallOptions,
  type DataOperationContext,
} from '../data/data-context.js'
import type { CopyResult, UnloadResult } from '../data/data-results.js'
import type { TableRef } from '../data/table-ref.js'
import type { UnloadCommand } from '../data/unload-command.js'
import { prepareUnload, runUnload } from '../data/unload-operations.js'
import type { LoadError } from '../errors/load-error.js'
import { type ClientContext, settingsFor } from './client-context.js'
import type { CallOptions } from './client-options.js'

/** Checks a COPY and fills in the configured `defaultCopyIamRole`; throws `ValidationError`. */
export function validateCopy(
  ctx: ClientContext,
  command: CopyCommand,
  operation: CopyOperationKind,
): CopyCommand {
  return prepareCopy(command, ctx.config.defaultCopyIamRole, operation)
}

/** `RedshiftClient.copyFromS3` / `copyFromDynamoDb`. */
export function copy(
  ctx: ClientContext,
  command: CopyCommand,
  options: DataCallOptions,
  operation: 'copyFromS3' | 'copyFromDynamoDb',
): Promise<CopyResult> {
  const prepared = validateCopy(ctx, command, operation)
  return runCopy(dataContext(ctx, options), prepared)
}

/** `RedshiftClient.getLoadErrors`. */
export function getLoadErrors(
  ctx: ClientContext,
  table: TableRef | string,
  since: Date,
  options: CallOptions,
): Promise<LoadError[]> {
  return loadErrorsSince(dataContext(ctx, options), table, since)
}

/** Checks an UNLOAD and fills in the configured `defaultUnloadIamRole`; throws `ValidationError`. */
export function validateUnload(
  ctx: ClientContext,
  command: UnloadCommand,
  operation: 'unloadToS3' | 'validateUnload',
): UnloadCommand {
  return prepareUnload(command, ctx.config.defaultUnloadIamRole, operation)
}

/** `RedshiftClient.unloadToS3`. */
export function unload(
  ctx: ClientContext,
  command: UnloadCommand,
  options: DataCallOptions,
): Promise<UnloadResult> {
  const prepared = validateUnload(ctx, command, 'unloadToS3')
  return runUnload(dataContext(ctx, options), prepared)
}

function dataContext(ctx: ClientContext, options: DataCallOptions): DataOperationContext {
  assertDataCallOptions(options)
  return {
    transport: ctx.transport,
    execute: ctx.execute,
    settings: settingsFor(ctx, options),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    options,
  }
}
