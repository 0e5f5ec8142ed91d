import { createRequire } from 'node:module'
import type * as OtelApi from '@opentelemetry/api'

/** The `@opentelemetry/api` module, as loaded. */
export type OtelApiModule = typeof OtelApi

let cached: OtelApiModule | null | undefined

/**
 * Loads `@opentelemetry/api` the first time a client asks for telemetry, and only then: it is an
 * optional peer dependency, so a user without it pays nothing (no import, no spans, no meters).
 * Loaded synchronously because `createClient()` is synchronous. The API keeps its state on a global
 * symbol, so this copy shares providers and context with the application's own import of it.
 *
 * @param load replaces `require` (tests simulate the package being absent)
 */
export function loadOtelApi(load?: (id: string) => unknown): OtelApiModule | undefined {
  if (load !== undefined) return tryLoad(load) ?? undefined
  if (cached === undefined) cached = tryLoad(createRequire(import.meta.url))
  return cached ?? undefined
}

function tryLoad(load: (id: string) => unknown): OtelApiModule | null {
  try {
    return load('@opentelemetry/api') as OtelApiModule
  } catch {
    return null
  }
}
