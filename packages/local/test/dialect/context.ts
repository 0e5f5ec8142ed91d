import type { TranslateContext } from '@redshift-kit/dialect'
import { REDSHIFT_SETTING_DEFAULTS } from '@redshift-kit/dialect'

/** A session context for the engine round-trip tests: last query id 41, every Redshift setting at its default. */
export const ctx: TranslateContext = {
  queryId: 42,
  lastQueryId: 41,
  settings: { ...REDSHIFT_SETTING_DEFAULTS },
}
