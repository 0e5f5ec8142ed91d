export { DataApiService } from './data-api-service.js'
export type { DataApiEvent } from './event-log.js'
export { type LocalDataApiOptions, type ResolvedDataApiOptions, resolveDataApiOptions } from './options.js'
