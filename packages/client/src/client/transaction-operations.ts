import type { StatementOperation } from '../pipeline/statement-context.js'
import { runInTransaction, type TransactionOptions } from '../transaction/run-in-transaction.js'
import { Transaction, TransactionCore } from '../transaction/transaction.js'
import { type ClientContext, NO_SETTINGS, settingsFor } from './client-context.js'
import type { CallOptions } from './client-options.js'

/** Opens a dedicated session and sends BEGIN on it; the transaction counts as open until it ends. */
export async function beginTransaction(
  ctx: ClientContext,
  options: CallOptions,
  operation: StatementOperation = 'transaction',
): Promise<Transaction> {
  const signal = options.signal
  // BEGIN runs under the call's timeout (so a server that stopped answering cannot hold it), and
  // leaves the session's query group alone.
  const settings = { ...NO_SETTINGS, timeoutMs: settingsFor(ctx, {}, options).timeoutMs }
  const core = await ctx.execute({
    operation,
    sql: 'BEGIN',
    settings,
    signal,
    options,
    run: async (call) => {
      const session = await ctx.transport.openSession(call.signal)
      try {
        await session.execute({ sql: 'BEGIN', params: [], settings, ...call })
      } catch (error) {
        session.release(error)
        throw error
      }
      return new TransactionCore(session)
    },
    discard: (late) => late.session.release(new Error('the transaction began after its call had given up')),
  })
  const tx = new Transaction(core, {
    execute: ctx.execute,
    settingsFor: (q, call) => settingsFor(ctx, q, call),
    ended: (t) => ctx.openTransactions.delete(t),
  })
  ctx.openTransactions.add(core)
  return tx
}

/** Runs `fn` in a transaction, rerunning it on serialization conflicts (the client's retry defaults). */
export function inTransaction<T>(
  ctx: ClientContext,
  fn: (tx: Transaction) => Promise<T>,
  options: TransactionOptions,
  operation: StatementOperation = 'transaction',
): Promise<T> {
  return runInTransaction(() => beginTransaction(ctx, options, operation), fn, {
    maxRetries: options.maxRetries ?? ctx.config.maxRetries,
    retryBackoffMs: options.retryBackoffMs ?? ctx.config.retryBackoffMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
}
