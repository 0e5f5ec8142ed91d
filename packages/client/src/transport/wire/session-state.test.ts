import { describe, expect, it } from 'vitest'
import { SessionState } from './session-state.js'

describe('SessionState', () => {
  it('asks for nothing while the session already matches', () => {
    const state = new SessionState(['query_group', 'statement_timeout'])
    expect(state.diff({ query_group: null, statement_timeout: null }).statements).toEqual([])
  })

  it('sets what differs, quoted, and resets to the default with RESET', () => {
    const state = new SessionState(['query_group', 'statement_timeout'])
    const change = state.diff({ query_group: "it's", statement_timeout: '5000' })
    expect(change.statements).toEqual(["SET query_group TO 'it''s'", "SET statement_timeout TO '5000'"])
    state.commit(change)
    expect(state.diff({ query_group: "it's", statement_timeout: '5000' }).statements).toEqual([])
    expect(state.diff({ query_group: null, statement_timeout: '5000' }).statements).toEqual([
      'RESET query_group',
    ])
  })

  it('sends every wanted setting again once it has forgotten them', () => {
    const state = new SessionState(['statement_timeout'])
    state.forgetAll()
    expect(state.get('statement_timeout')).toBeUndefined()
    expect(state.diff({ statement_timeout: null }).statements).toEqual(['RESET statement_timeout'])
  })

  it('refuses a name that is not a setting name', () => {
    const state = new SessionState([])
    expect(() => state.diff({ 'x; DROP TABLE t': '1' })).toThrow(/not a setting name/)
  })
})
