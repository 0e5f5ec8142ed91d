/** Moved to `types/query-id.ts` (below the transport, which returns it); re-exported for existing imports. */
export * from '../types/query-id.js'
