import { describe, expect, it } from 'vitest'
import { REDSHIFT_SESSION_SETTINGS, statementEffects, translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('SET of a Redshift-only setting', () => {
  it('moves onto the engine rk.* setting and reports the value as given', () => {
    expect(t("SET query_group TO 'etl nightly'")).toMatchObject({
      sql: "SET rk.query_group TO 'etl nightly'",
      queryType: 'UTILITY',
      effect: { type: 'setting', name: 'query_group', value: 'etl nightly' },
    })
    expect(t('set session wlm_query_slot_count = 3;')).toMatchObject({
      sql: "SET rk.wlm_query_slot_count TO '3'",
      effect: { type: 'setting', name: 'wlm_query_slot_count', value: '3' },
    })
  })

  it('folds an unquoted word as PostgreSQL folds identifiers, and escapes quotes', () => {
    expect(t('set query_group to Reports')).toMatchObject({
      sql: "SET rk.query_group TO 'reports'",
      effect: { value: 'reports' },
    })
    expect(t("set query_group to 'it''s'")).toMatchObject({
      sql: "SET rk.query_group TO 'it''s'",
      effect: { value: "it's" },
    })
  })

  it('keeps SET LOCAL local and treats TO DEFAULT as a reset', () => {
    expect(t('set local enable_result_cache_for_session to off')).toMatchObject({
      sql: "SET LOCAL rk.enable_result_cache_for_session TO 'off'",
      effect: { type: 'setting', name: 'enable_result_cache_for_session', value: 'off', local: true },
    })
    expect(t('set query_group to default')).toMatchObject({
      sql: 'SET rk.query_group TO DEFAULT',
      effect: { type: 'setting', name: 'query_group', value: null },
    })
  })

  it('validates values as Redshift does', () => {
    for (const bad of ['0', '51', '2.5', "'abc'", '-1']) {
      expect(t(`set wlm_query_slot_count to ${bad}`).error?.sqlState).toBe('22023')
    }
    expect(t('set wlm_query_slot_count to 50').error).toBeUndefined()
    expect(t('set enable_case_sensitive_identifier to yes').error).toEqual({
      sqlState: '22023',
      message:
        'parameter "enable_case_sensitive_identifier" requires a Boolean value: on, off, true or false',
    })
    expect(t('set describe_field_name_in_uppercase to TRUE').error).toBeUndefined()
    expect(t('set analyze_threshold_percent to 100.5').error?.sqlState).toBe('22023')
    expect(t('set analyze_threshold_percent to 0.01').error).toBeUndefined()
    expect(t("set query_group to 'a', 'b'").error?.sqlState).toBe('42601')
  })

  it('passes settings PostgreSQL shares with Redshift through unchanged', () => {
    for (const text of [
      "set search_path to '$user', public",
      'SET statement_timeout = 1000',
      "set timezone to 'UTC'",
      'set datestyle to iso, mdy',
      'set extra_float_digits = 3',
      'reset statement_timeout',
      'show search_path',
    ]) {
      const out = t(text)
      expect(out.sql).toBe(text)
      expect(out.effect).toBeUndefined()
      expect(out.queryType).toBe('UTILITY')
    }
  })
})

describe('RESET and SHOW', () => {
  it('RESET resets the engine setting and reports null', () => {
    expect(t('RESET query_group')).toMatchObject({
      sql: 'RESET rk.query_group',
      effect: { type: 'setting', name: 'query_group', value: null },
    })
  })

  it('RESET ALL passes through and resets every Redshift-only setting', () => {
    const out = t('reset all')
    expect(out.sql).toBe('reset all')
    expect(statementEffects(out)).toEqual(
      REDSHIFT_SESSION_SETTINGS.map((name) => ({ type: 'setting', name, value: null })),
    )
  })

  it('SHOW reads the engine setting under the name Redshift shows, tagged SHOW', () => {
    expect(t('show wlm_query_slot_count')).toMatchObject({
      sql: "SELECT pg_catalog.current_setting('rk.wlm_query_slot_count') AS wlm_query_slot_count",
      queryType: 'UTILITY',
      response: { commandTag: 'SHOW' },
    })
  })
})

describe('CANCEL', () => {
  it('becomes pg_cancel_backend, answered with tag CANCEL and no rows', () => {
    expect(t("cancel 18764 'Long-running query'")).toMatchObject({
      sql: 'SELECT pg_catalog.pg_cancel_backend(18764)',
      queryType: 'UTILITY',
      effect: { type: 'cancel', pid: 18764, message: 'Long-running query' },
      response: { commandTag: 'CANCEL', noRows: true },
    })
    expect(t('CANCEL 5;').effect).toEqual({ type: 'cancel', pid: 5, message: null })
  })

  it('rejects a CANCEL without a process id', () => {
    expect(t('cancel').error?.sqlState).toBe('42601')
    expect(t("cancel 'x'").error?.sqlState).toBe('42601')
    expect(t('cancel 1 2').error?.sqlState).toBe('42601')
  })
})

describe('statementEffects', () => {
  it('lists the single effect, or none', () => {
    expect(statementEffects(t('reset query_group'))).toHaveLength(1)
    expect(statementEffects(t('select 1'))).toEqual([])
  })
})
