import type { TransportCursor } from '../../transport/transport.js'

/**
 * A cursor that reports `inner`'s state (read live, as it changes) and reads through `next`: how the
 * recorder and the replayer watch a cursor's rows without copying its bookkeeping. `close` defaults
 * to closing `inner`; `cancel` always cancels it.
 */
export function delegatingCursor(
  inner: TransportCursor,
  methods: Pick<TransportCursor, 'next'> & Partial<Pick<TransportCursor, 'close'>>,
): TransportCursor {
  return {
    get sessionId() {
      return inner.sessionId
    },
    get columns() {
      return inner.columns
    },
    get queryId() {
      return inner.queryId
    },
    get rowsFetched() {
      return inner.rowsFetched
    },
    next: methods.next,
    cancel: () => inner.cancel(),
    close: methods.close ?? (() => inner.close()),
  }
}
