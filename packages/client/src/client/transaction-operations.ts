import { runInTransaction, type TransactionOptions } from '../transaction/run-in-transaction.js'
import { Transaction } from '../transaction/transaction.js'
import { type ClientContext, settingsFor } from './client-context.js'

/** Opens a dedicated session and sends BEGIN on it; the transaction counts as open until it ends. */
export function beginTransaction(ctx: ClientContext, signal: AbortSignal | undefined): Promise<Transaction> {
  return ctx.run({
    kind: 'begin',
    sql: 'BEGIN',
    ...(signal === undefined ? {} : { signal }),
    run: async () => {
      const session = await ctx.transport.openSession(signal)
      try {
        await session.execute({ sql: 'BEGIN', params: [], settings: { timeoutMs: null, queryGroup: null } })
      } catch (error) {
        session.release(error)
        throw error
      }
      const tx = new Transaction(session, {
        run: ctx.run,
        settingsFor: (q) => settingsFor(ctx, q),
        ended: (t) => ctx.openTransactions.delete(t),
      })
      ctx.openTransactions.add(tx)
      return tx
    },
  })
}

/** Runs `fn` in a transaction, rerunning it on serialization conflicts (the client's retry defaults). */
export function inTransaction<T>(
  ctx: ClientContext,
  fn: (tx: Transaction) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  return runInTransaction(() => beginTransaction(ctx, options.signal), fn, {
    maxRetries: options.maxRetries ?? ctx.config.maxRetries,
    retryBackoffMs: options.retryBackoffMs ?? ctx.config.retryBackoffMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
}
