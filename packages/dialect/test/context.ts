import type { TranslateContext } from '../src/index.js'

/** A session context for tests: last query id 41, every Redshift setting at its default. */
export const ctx: TranslateContext = {
  queryId: 42,
  lastQueryId: 41,
  settings: {
    query_group: 'unset',
    wlm_query_slot_count: '1',
    enable_result_cache_for_session: 'on',
    enable_case_sensitive_identifier: 'off',
    analyze_threshold_percent: '10',
    describe_field_name_in_uppercase: 'off',
  },
}
