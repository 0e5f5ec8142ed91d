import { describe, expect, it } from 'vitest'
import { CommandSyntaxError } from '../src/copy-parse-scanner.js'
import { parseUnload } from '../src/unload-parse.js'

function refused(sql: string): CommandSyntaxError {
  try {
    parseUnload(sql)
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error
    throw error
  }
  throw new Error(`expected ${sql} to be refused`)
}

describe('parseUnload', () => {
  it('undoes the doubled quotes of the inner query and reads every option', () => {
    const u = parseUnload(
      `unload ('select * from venue where venuestate=''NV''') to 's3://mybucket/unload/venue_' iam_role default
       format as csv header delimiter as ';' partition by (venuestate, venuecity) include manifest verbose gzip
       null as 'NULL' allowoverwrite parallel off maxfilesize as 100 mb encrypted kms_key_id '1234abcd' region 'us-west-2' extension 'csv.gz'`,
    )
    expect(u.query).toBe("select * from venue where venuestate='NV'")
    expect(u).toMatchObject({
      target: 's3://mybucket/unload/venue_',
      format: 'csv',
      header: true,
      delimiter: ';',
      partitionBy: { columns: ['venuestate', 'venuecity'], include: true },
      manifest: 'verbose',
      compression: 'gzip',
      nullAs: 'NULL',
      allowOverwrite: true,
      parallel: false,
      maxFileSize: 100 * 1024 * 1024,
      encrypted: true,
      kmsKeyId: true,
      region: 'us-west-2',
      extension: 'csv.gz',
    })
  })

  it('has Redshift defaults', () => {
    expect(parseUnload(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default`)).toMatchObject({
      format: 'text',
      delimiter: '|',
      parallel: true,
      manifest: 'none',
      nullAs: null,
      maxFileSize: Math.floor(6.2 * 1024 * 1024 * 1024),
    })
  })

  it('refuses conflicting options', () => {
    expect(refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default PARQUET GZIP`).message).toBe(
      'PARQUET and GZIP cannot be used together',
    )
    expect(refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default JSON HEADER`).message).toBe(
      'JSON and HEADER cannot be used together',
    )
    expect(
      refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default CSV FIXEDWIDTH '0:1'`).message,
    ).toMatch(/CSV and FIXEDWIDTH/)
    expect(
      refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default FIXEDWIDTH '0:1' HEADER`).message,
    ).toMatch(/FIXEDWIDTH and HEADER/)
    expect(
      refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default ALLOWOVERWRITE CLEANPATH`).message,
    ).toMatch(/ALLOWOVERWRITE and CLEANPATH/)
    expect(refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default KMS_KEY_ID 'k'`).message).toBe(
      'KMS_KEY_ID requires ENCRYPTED',
    )
    expect(refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default MAXFILESIZE 1 MB`).message).toMatch(
      /5 MB to 6.2 GB/,
    )
    expect(refused(`UNLOAD ('select 1') TO 's3://b/p' CSV`).message).toMatch(/UNLOAD needs authorization/)
    expect(refused(`UNLOAD (select 1) TO 's3://b/p' IAM_ROLE default`).sqlState).toBe('42601')
    expect(
      refused(`UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default ENCRYPTED MASTER_SYMMETRIC_KEY 'k'`)
        .sqlState,
    ).toBe('0A000')
  })
})
