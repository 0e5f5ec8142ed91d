export type { AuthMethod, TemporaryPasswordLookup } from './auth.js'
export type {
  CommandContext,
  CommandExecutor,
  CommandField,
  CommandOutcome,
  CommandQueryResult,
  ExecutableCommand,
} from './command-executor.js'
export { GatewayCommandError } from './command-executor.js'
export type { Dialect } from './dialect-seam.js'
export type { ListenerLimits } from './listener-limits.js'
export { DEFAULT_LISTENER_LIMITS } from './listener-limits.js'
export type { Gateway, GatewayOptions, LocalUser, WlmQueueConfig } from './options.js'
export { startGateway } from './server.js'
export type { GeneratedCertificates } from './tls-certificates.js'
export { generateCertificates } from './tls-certificates.js'
