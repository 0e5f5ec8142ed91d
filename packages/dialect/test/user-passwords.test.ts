import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe("CREATE / ALTER USER with Redshift's password forms", () => {
  it('sha256|password becomes the password, DISABLE becomes NULL, md5 and clear forms stay', () => {
    expect(t("CREATE USER u PASSWORD 'sha256|Abcdefg1'").sql).toBe("CREATE USER u PASSWORD 'Abcdefg1'")
    expect(t('alter user u password disable').sql).toBe('alter user u password NULL')
    const md5 = "CREATE USER u PASSWORD 'md5153c434b4b77c89e6b94f12c5393af5b'"
    expect(t(md5).sql).toBe(md5)
    expect(t("ALTER USER u WITH PASSWORD 'Abcdefg1' VALID UNTIL '2030-01-01'").error).toBeUndefined()
  })

  it("refuses passwords Redshift's rules refuse, and the salted sha256 form", () => {
    expect(t("create user u password 'abcdefg1'").error).toEqual({
      sqlState: '22023',
      message: 'password must contain an uppercase character',
    })
    expect(t("create user u password 'ABCDEFG1'").error?.message).toBe(
      'password must contain a lowercase character',
    )
    expect(t("create user u password 'Abcdefgh'").error?.message).toBe('password must contain a number')
    expect(t("create user u password 'Ab1'").error?.message).toBe('password must be 8 to 64 characters long')
    expect(t("create user u password 'sha256|d|s'").error?.sqlState).toBe('0A000')
    // Not a user statement: left alone.
    expect(t("create table password (password varchar(5) default 'x')").error).toBeUndefined()
  })
})

describe('role syntax', () => {
  it('GRANT ROLE / TO ROLE / sys: roles become PostgreSQL role grants', () => {
    expect(t('GRANT ROLE sys:dba TO alice, ROLE analysts').sql).toBe('GRANT "sys:dba" TO alice, analysts')
    expect(t('revoke role r1 from role r2').sql).toBe('revoke r1 from r2')
    expect(t('GRANT SELECT ON t TO ROLE readers').sql).toBe('GRANT SELECT ON t TO readers')
    expect(t('CREATE ROLE sys:custom').sql).toBe('CREATE ROLE "sys:custom"')
    // A column named role stays.
    expect(t('GRANT SELECT (role) ON t TO bob').sql).toBe('GRANT SELECT (role) ON t TO bob')
  })
})
