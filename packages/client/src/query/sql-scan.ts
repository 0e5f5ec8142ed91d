/** Moved to `types/sql-scan.ts` (below the transport, which returns it); re-exported for existing imports. */
export * from '../types/sql-scan.js'
