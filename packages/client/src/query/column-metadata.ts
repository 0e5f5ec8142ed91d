/** Moved to `types/column-metadata.ts` (below the transport, which returns it); re-exported for existing imports. */
export * from '../types/column-metadata.js'
