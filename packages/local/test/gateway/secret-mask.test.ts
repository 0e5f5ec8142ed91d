import { describe, expect, it } from 'vitest'
import { MASKED_VALUE, maskSecrets } from '../../src/gateway/secret-mask.js'

describe('maskSecrets', () => {
  it.each([
    ["create user bob password 'pw1'", "create user bob password '***'"],
    [
      "CREATE USER bob WITH PASSWORD 'pw1' VALID UNTIL '2030-01-01'",
      "CREATE USER bob WITH PASSWORD '***' VALID UNTIL '2030-01-01'",
    ],
    ["alter user bob password /* new */ 'pw1'", "alter user bob password /* new */ '***'"],
    ["alter user bob password -- new\n 'pw1'", "alter user bob password -- new\n '***'"],
    ["alter user bob password E'it\\'s''x'", "alter user bob password '***'"],
    ["alter user bob password U&'d\\0061t\\+000061'", "alter user bob password '***'"],
    ['alter user bob password $$p w$$', "alter user bob password '***'"],
    ['alter user bob password $tag$p $$ w$tag$', "alter user bob password '***'"],
    ["alter user bob password 'it''s; alter user x password ''y'''", "alter user bob password '***'"],
    ["alter user bob password 'unterminated", "alter user bob password '***'"],
    [
      "create user x password 'a'; create user y password 'b'",
      "create user x password '***'; create user y password '***'",
    ],
    [
      "copy t from 's3://b/k' access_key_id 'AKIAEXAMPLE0000001' secret_access_key 'wJalr/K7MDENG' session_token 'FQoG'",
      "copy t from 's3://b/k' access_key_id '***' secret_access_key '***' session_token '***'",
    ],
    [
      "copy t from 's3://b/k' with credentials as 'aws_access_key_id=AKIA;aws_secret_access_key=wJalr'",
      "copy t from 's3://b/k' with credentials as '***'",
    ],
    [
      "unload ('select 1') to 's3://b/p' credentials 'aws_iam_role=arn' master_symmetric_key 'EXAMPLEKEY=' encrypted",
      "unload ('select 1') to 's3://b/p' credentials '***' master_symmetric_key '***' encrypted",
    ],
    [
      "create procedure p() as $$ begin create user z password 'inner'; end $$ language plpgsql",
      "create procedure p() as $$ begin create user z password '***'; end $$ language plpgsql",
    ],
  ])('%s', (sql, masked) => {
    expect(maskSecrets(sql)).toBe(masked)
  })

  it.each([
    "select password from accounts where password = 'x'",
    "select 'my password is x' as note",
    "insert into accounts (password) values ('x')",
    'alter user bob password disable',
    "select * from t -- password 'x' in a comment stays (comments are not values)",
    'select 1',
  ])('leaves %s alone', (sql) => {
    expect(maskSecrets(sql)).toBe(sql)
  })

  it('masks with the documented value', () => {
    expect(MASKED_VALUE).toBe("'***'")
  })
})
