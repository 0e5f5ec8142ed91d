import { describe, expect, it } from 'vitest'
import { mergeSql } from '../../src/data/merge/merge-sql.js'
import { TableRef } from '../../src/data/table-ref.js'

const users = new TableRef('analytics', 'users')
const both = { whenMatched: 'update', whenNotMatched: 'insert' } as const

describe('mergeSql', () => {
  it("writes Redshift's MERGE form: both clauses, the target named through the table, no alias", () => {
    expect(mergeSql(users, 'stage', ['id', 'name'], ['id'], ['name'], both)).toEqual({
      statements: [
        'MERGE INTO analytics.users USING stage ON analytics.users.id = stage.id ' +
          'WHEN MATCHED THEN UPDATE SET name = stage.name ' +
          'WHEN NOT MATCHED THEN INSERT (id, name) VALUES (stage.id, stage.name)',
      ],
      usesMerge: true,
    })
  })

  it('one-sided actions, and an update with nothing to set, are the one statement MERGE cannot be', () => {
    const insertOnly = mergeSql(users, 's', ['id'], ['id'], [], both)
    expect(insertOnly.usesMerge).toBe(false)
    expect(insertOnly.statements[0]).toMatch(/^INSERT INTO .* WHERE NOT EXISTS/)
    const del = mergeSql(users, 's', ['id', 'n'], ['id'], ['n'], {
      whenMatched: 'delete',
      whenNotMatched: 'ignore',
    })
    expect(del.statements).toEqual(['DELETE FROM analytics.users USING s WHERE analytics.users.id = s.id'])
    const upd = mergeSql(users, 's', ['id', 'n'], ['id'], ['n'], {
      whenMatched: 'update',
      whenNotMatched: 'ignore',
    })
    expect(upd.statements[0]).toMatch(/^UPDATE analytics\.users SET n = s\.n FROM s WHERE/)
  })
})
