import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors/client-errors.js'
import { CopyCommandBuilder, UnloadCommandBuilder } from '../../src/index.js'

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN'
const MASTER = 'EXAMPLEMASTERKEYtkbjk/OpCwtYSx/M4/t7DMCDIK722'
const SECRETS = [KEY_ID, SECRET, TOKEN, MASTER]

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s)
}

describe('credentials never show outside toSql()', () => {
  const copyWithKeys = new CopyCommandBuilder('events')
    .fromS3('data-bucket', 'e/')
    .accessKeys({ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN })
    .encrypted()
    .masterSymmetricKey(MASTER)
    .build()
  const copyWithCredentials = new CopyCommandBuilder('events')
    .fromS3('data-bucket', 'e/')
    .credentials(
      `aws_access_key_id=${KEY_ID};aws_secret_access_key=${SECRET};token=${TOKEN};master_symmetric_key=${MASTER}`,
    )
    .encrypted()
    .build()
  const unloadWithKeys = new UnloadCommandBuilder('SELECT 1')
    .toS3('data-bucket', 'out/')
    .accessKeys({ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN })
    .masterSymmetricKey(MASTER)
    .encrypted()
    .build()

  it.each([
    ['COPY with keys', copyWithKeys],
    ['COPY with CREDENTIALS', copyWithCredentials],
    ['UNLOAD with keys', unloadWithKeys],
  ])('%s: toString, toJSON, JSON.stringify, inspect and template strings are redacted', (_name, cmd) => {
    // Every secret the command holds is in the statement it runs, and in nothing else.
    expect(SECRETS.every((s) => cmd.toSql().includes(s))).toBe(true)
    expectNoSecret(cmd.toString())
    expectNoSecret(`${cmd}`)
    expectNoSecret(JSON.stringify(cmd))
    expectNoSecret(JSON.stringify({ nested: [cmd] }))
    expectNoSecret(inspect(cmd, { depth: 5, showHidden: true }))
    expectNoSecret(Object.keys(cmd).join(','))
    expect(cmd.toString()).toContain("'***'")
  })

  it('toSql() carries the credentials the statement needs', () => {
    expect(copyWithKeys.toSql()).toContain(
      `ACCESS_KEY_ID '${KEY_ID}' SECRET_ACCESS_KEY '${SECRET}' SESSION_TOKEN '${TOKEN}'`,
    )
    expect(copyWithKeys.toSql()).toContain(`MASTER_SYMMETRIC_KEY '${MASTER}'`)
    expect(copyWithCredentials.toSql()).toContain(`CREDENTIALS 'aws_access_key_id=${KEY_ID};`)
    expect(copyWithKeys.toString()).toBe(
      "COPY events FROM 's3://data-bucket/e/' ACCESS_KEY_ID '***' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***' ENCRYPTED MASTER_SYMMETRIC_KEY '***'",
    )
  })

  it('validation messages never quote a secret', () => {
    try {
      new CopyCommandBuilder('events')
        .fromS3('data-bucket', 'e/')
        .accessKeys({
          accessKeyId: `${KEY_ID.toLowerCase()}`,
          secretAccessKey: `${SECRET} x`,
          sessionToken: `${TOKEN}'`,
        })
        .credentials(`aws_secret_access_key=${SECRET} ;junk`)
        .masterSymmetricKey(`${MASTER} `)
        .build()
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      const error = e as ValidationError
      expect(error.problems.length).toBeGreaterThanOrEqual(4)
      const text = [error.message, JSON.stringify(error.problems), inspect(error)].join('\n')
      expectNoSecret(text)
      expect(text).not.toContain(KEY_ID.toLowerCase())
    }
  })
})
