export { matchesWildcard } from '@redshift-kit/dialect'
export type { WlmQueue, WlmQueueConfig } from './config.js'
export {
  DEFAULT_WLM_CONFIG,
  FIRST_USER_SERVICE_CLASS,
  MAX_TOTAL_SLOTS,
  resolveWlmQueues,
  SUPERUSER_SERVICE_CLASS,
} from './config.js'
export type { RoutingInput } from './router.js'
export { routeStatement } from './router.js'
export type { SlotRelease, SlotWait, WlmQueueCounters } from './scheduler.js'
export { isGranted, SlotCountError, WaitAbortedError, WlmScheduler } from './scheduler.js'
