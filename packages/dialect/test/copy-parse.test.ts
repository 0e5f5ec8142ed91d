import { describe, expect, it } from 'vitest'
import { parseCopy } from '../src/copy-parse.js'
import { CommandSyntaxError } from '../src/copy-parse-scanner.js'

const ROLE = "IAM_ROLE 'arn:aws:iam::0123456789012:role/MyRedshiftRole'"

function refused(sql: string): CommandSyntaxError {
  try {
    parseCopy(sql)
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error
    throw error
  }
  throw new Error(`expected ${sql} to be refused`)
}

describe('parseCopy', () => {
  it('reads the table, the column list, the source and every option, with defaults', () => {
    const c = parseCopy(
      `copy public.Sales (salesid, "Qty") from 's3://mybucket/tickit/sales_tab.txt' ${ROLE} delimiter '\\t' timeformat 'MM/DD/YYYY HH:MI:SS' region 'us-west-2' maxerror 5 gzip ignoreheader as 1 null as '\\0' acceptinvchars as '^' blanksasnull emptyasnull fillrecord trimblanks truncatecolumns compupdate off statupdate on noload;`,
    )
    expect(c.table).toEqual({ parts: ['public', 'sales'], table: 'sales' })
    expect(c.columns).toEqual(['salesid', 'Qty'])
    expect(c.source).toBe('s3://mybucket/tickit/sales_tab.txt')
    expect(c.authorization).toEqual({
      kind: 'iamRole',
      roles: ['arn:aws:iam::0123456789012:role/MyRedshiftRole'],
    })
    expect(c.options).toMatchObject({
      format: 'text',
      delimiter: '\t',
      timeFormat: 'MM/DD/YYYY HH:MI:SS',
      region: 'us-west-2',
      maxError: 5,
      compression: 'gzip',
      ignoreHeader: 1,
      nullAs: '\0',
      acceptInvChars: '^',
      blanksAsNull: true,
      emptyAsNull: true,
      fillRecord: true,
      trimBlanks: true,
      truncateColumns: true,
      noLoad: true,
    })
  })

  it('defaults: pipe for text, comma and double quote for CSV, JSON auto', () => {
    expect(parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default`).options).toMatchObject({
      delimiter: '|',
      nullAs: '\\N',
      maxError: 0,
    })
    expect(
      parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default FORMAT AS CSV QUOTE AS '%'`).options,
    ).toMatchObject({
      format: 'csv',
      delimiter: ',',
      quote: '%',
    })
    expect(parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default JSON`).options.jsonOption).toBe('auto')
    expect(
      parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default JSON 's3://b/paths.json'`).options.jsonPaths,
    ).toBe('s3://b/paths.json')
    expect(parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default FORMAT PARQUET`).options.format).toBe('parquet')
    expect(
      parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default FIXEDWIDTH 'a:3,b:10'`).options.fixedWidth,
    ).toEqual([
      { label: 'a', width: 3 },
      { label: 'b', width: 10 },
    ])
  })

  it('accepts every authorization form and checks each', () => {
    expect(
      parseCopy(
        `COPY t FROM 's3://b/k' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY 'x' SESSION_TOKEN 'y'`,
      ).authorization,
    ).toEqual({
      kind: 'accessKey',
      temporary: true,
    })
    expect(
      parseCopy(
        `COPY t FROM 's3://b/k' WITH CREDENTIALS AS 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE;aws_secret_access_key=s'`,
      ).authorization,
    ).toEqual({ kind: 'accessKey', temporary: false })
    expect(
      parseCopy(`COPY t FROM 's3://b/k' CREDENTIALS 'aws_iam_role=arn:aws:iam::123456789012:role/R'`)
        .authorization.kind,
    ).toBe('iamRole')
    expect(
      parseCopy(
        `COPY t FROM 's3://b/k' IAM_ROLE 'arn:aws:iam::123456789012:role/A,arn:aws:iam::210987654321:role/B' CSV`,
      ).authorization,
    ).toEqual({
      kind: 'iamRole',
      roles: ['arn:aws:iam::123456789012:role/A', 'arn:aws:iam::210987654321:role/B'],
    })
    expect(refused(`COPY t FROM 's3://b/k' CSV`).message).toMatch(/needs authorization/)
    expect(refused(`COPY t FROM 's3://b/k' CREDENTIALS 'aws_iam_role'`).message).toMatch(
      /^Invalid credentials\. Must be of the format/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE 'not-an-arn'`).message).toMatch(
      /not a valid IAM role ARN/,
    )
    expect(refused(`COPY t FROM 's3://b/k' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE'`).message).toMatch(
      /needs SECRET_ACCESS_KEY/,
    )
    expect(
      refused(
        `COPY t FROM 's3://b/k' IAM_ROLE default ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY 's'`,
      ).message,
    ).toMatch(/cannot be used together/)
  })

  it('refuses what Redshift refuses and what the local one cannot do', () => {
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default CSV REMOVEQUOTES`).message).toBe(
      'CSV and REMOVEQUOTES cannot be used together',
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default CSV ESCAPE`).sqlState).toBe('0A000')
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default FIXEDWIDTH 'a:1' DELIMITER ','`).message).toMatch(
      /FIXEDWIDTH and DELIMITER/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default JSON 'auto' NULL AS 'x'`).message).toMatch(
      /JSON and NULL AS/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default PARQUET IGNOREHEADER 1`).message).toMatch(
      /IGNOREHEADER is not supported with PARQUET/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default CSV JSON`).message).toMatch(
      /cannot be used together/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default GZIP GZIP`).message).toBe(
      'conflicting or redundant options',
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default IGNOREALLERRORS MAXERROR 3`).sqlState).toBe(
      '0A000',
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default DELIMITER ',,'`).message).toMatch(
      /single character/,
    )
    expect(refused(`COPY t FROM 's3://b/k' IAM_ROLE default WHATEVER`).message).toBe(
      'syntax error at or near "WHATEVER"',
    )
    for (const sql of [
      `COPY t FROM 'dynamodb://Movies' IAM_ROLE default READRATIO 50`,
      `COPY t FROM 'emr://j-1H7OUO3B52HI5/myoutput/part*' IAM_ROLE default`,
      `COPY t FROM 's3://b/ssh_manifest' IAM_ROLE default SSH`,
      `COPY t FROM 's3://b/k' IAM_ROLE default FORMAT AVRO 'auto'`,
      `COPY t FROM 's3://b/k' IAM_ROLE default FORMAT ORC`,
      `COPY t FROM 's3://b/k' IAM_ROLE default LZOP`,
    ]) {
      const e = refused(sql)
      expect(e.sqlState).toBe('0A000')
      expect(e.message).toMatch(/not available in redshift-local/)
    }
  })

  it('caps MAXERROR at 100000', () => {
    expect(parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default MAXERROR 500000`).options.maxError).toBe(
      100_000,
    )
  })
})
