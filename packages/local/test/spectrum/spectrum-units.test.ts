/** The pure parts of the local Spectrum: DDL parsing, statement scans (pruning), types, the catalog. */
import { describe, expect, it } from 'vitest'
import { GlueCatalog, GlueError } from '../../src/aws/glue/glue-catalog.js'
import { parseSpectrumStatement, SpectrumSyntaxError } from '../../src/spectrum/ddl-parse.js'
import { resolveExternalTable } from '../../src/spectrum/external-table.js'
import { externalType } from '../../src/spectrum/external-types.js'
import { scanStatement } from '../../src/spectrum/statement-scan.js'

const ext = (s: string) => s === 'spectrum'

describe('parseSpectrumStatement', () => {
  it('parses CREATE EXTERNAL SCHEMA with its options', () => {
    expect(
      parseSpectrumStatement(
        "create external schema if not exists spectrum from data catalog database 'spectrumdb' iam_role 'arn:aws:iam::1:role/r' region 'us-east-1' create external database if not exists;",
      ),
    ).toEqual({
      kind: 'createSchema',
      schema: 'spectrum',
      ifNotExists: true,
      glueDatabase: 'spectrumdb',
      iamRole: 'arn:aws:iam::1:role/r',
      createDatabase: true,
      region: 'us-east-1',
    })
    expect(() =>
      parseSpectrumStatement("create external schema s from postgres database 'x' iam_role default"),
    ).toThrow(SpectrumSyntaxError)
    expect(() => parseSpectrumStatement("create external schema s from data catalog database 'x'")).toThrow(
      /IAM_ROLE/,
    )
  })

  it('parses CREATE EXTERNAL TABLE: columns, partitions, row format, properties', () => {
    const s = parseSpectrumStatement(`CREATE EXTERNAL TABLE spectrum.sales (
        salesid integer, pricepaid decimal(8,2), saletime timestamp)
      PARTITIONED BY (saledate date)
      ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
      STORED AS TEXTFILE
      LOCATION 's3://bucket/tickit/spectrum/sales_partition/'
      TABLE PROPERTIES ('skip.header.line.count'='1', 'numRows'='172000')`)
    expect(s).toMatchObject({
      kind: 'createTable',
      schema: 'spectrum',
      table: 'sales',
      columns: [
        { name: 'salesid', type: 'integer' },
        { name: 'pricepaid', type: 'decimal(8,2)' },
        { name: 'saletime', type: 'timestamp' },
      ],
      partitionKeys: [{ name: 'saledate', type: 'date' }],
      format: { storedAs: 'TEXTFILE', fieldDelimiter: '\\t', serde: null },
      properties: { 'skip.header.line.count': '1', numRows: '172000' },
    })
    expect(() =>
      parseSpectrumStatement(
        "create external table spectrum.t (a int) stored as parquet location 's3://b/../x/'",
      ),
    ).toThrow(/not an S3 location/)
    expect(() => parseSpectrumStatement('create external table t (a int) stored as parquet')).toThrow(
      /external schema/,
    )
  })

  it('parses partition DDL and DROP', () => {
    expect(
      parseSpectrumStatement(
        "alter table spectrum.sales add if not exists partition (saledate='2008-01-01') location 's3://b/d=1/' partition (saledate='2008-02-01') location 's3://b/d=2/'",
      ),
    ).toMatchObject({
      kind: 'addPartitions',
      ifNotExists: true,
      partitions: [{ location: 's3://b/d=1/' }, { location: 's3://b/d=2/' }],
    })
    expect(
      parseSpectrumStatement("alter table spectrum.sales drop partition (saledate='2008-01-01')"),
    ).toMatchObject({
      kind: 'dropPartitions',
    })
    expect(parseSpectrumStatement('alter table t add column c int')).toBeUndefined()
    expect(parseSpectrumStatement('drop schema spectrum drop external database')).toEqual({
      kind: 'dropSchema',
      schema: 'spectrum',
      ifExists: false,
      dropDatabase: true,
    })
    expect(parseSpectrumStatement('select 1')).toBeUndefined()
  })
})

describe('scanStatement', () => {
  it('finds external references, aliases and safe partition filters', () => {
    const s = scanStatement(
      "select s.a from spectrum.sales s join local l on l.id = s.id where s.year = 2024 and month in ('01', '02') and l.x > 1",
      ext,
    )
    expect(s.refs).toEqual([
      {
        schema: 'spectrum',
        table: 'sales',
        filters: new Map([
          ['year', new Set(['2024'])],
          ['month', new Set(['01', '02'])],
        ]),
      },
    ])
    expect(s.pseudo).toBe(false)
  })

  it('does not prune under OR, in subqueries, or when the table is named twice', () => {
    expect(
      scanStatement('select * from spectrum.t where year = 1 or year = 2', ext).refs[0]?.filters,
    ).toBeNull()
    expect(
      scanStatement('select * from (select * from spectrum.t) x where year = 1', ext).refs[0]?.filters,
    ).toBeNull()
    const twice = scanStatement('select * from spectrum.t where year = 1 union select * from spectrum.t', ext)
    expect(twice.refs.map((r) => r.filters)).toEqual([null, null])
    expect(scanStatement("select 'spectrum.t' from x", ext).refs).toEqual([])
  })

  it('sees DML targets and pseudocolumns', () => {
    expect(scanStatement('insert into spectrum.t values (1)', ext).dmlTarget).toEqual({
      schema: 'spectrum',
      table: 't',
      verb: 'INSERT',
    })
    expect(scanStatement('insert into local select * from spectrum.t', ext).dmlTarget).toBeUndefined()
    expect(scanStatement('select "$path" from spectrum.t', ext).pseudo).toBe(true)
  })
})

describe('external types', () => {
  it('maps Redshift and Hive types to the catalog and the engine', () => {
    expect(externalType('INTEGER')).toMatchObject({ hive: 'int', sql: 'integer' })
    expect(externalType('character varying(20)')).toMatchObject({ hive: 'varchar(20)', length: 20 })
    expect(externalType('decimal(10, 2)')).toMatchObject({ hive: 'decimal(10,2)', sql: 'numeric(10,2)' })
    expect(externalType('string')).toMatchObject({ hive: 'string', category: 'varchar' })
    expect(externalType('double precision').hive).toBe('double')
    expect(() => externalType('array<int>')).toThrow(/not supported/)
  })
})

describe('GlueCatalog', () => {
  it('keeps databases, tables and partitions, and reports Glue errors', async () => {
    const glue = await GlueCatalog.open(undefined)
    let changes = 0
    glue.onChange(() => {
      changes++
    })
    await glue.createDatabase({ Name: 'DB' })
    await expect(glue.createDatabase({ Name: 'db' })).rejects.toMatchObject({
      code: 'AlreadyExistsException',
    })
    await glue.createTable('db', {
      Name: 'T',
      PartitionKeys: [{ Name: 'y', Type: 'int' }],
      StorageDescriptor: { Columns: [{ Name: 'a', Type: 'int' }], Location: 's3://b/t/' },
    })
    const failed = await glue.createPartitions('db', 't', [
      { Values: ['1'] },
      { Values: ['1'] },
      { Values: ['1', '2'] },
    ])
    expect(failed.map((f) => f.error.code)).toEqual(['AlreadyExistsException', 'InvalidInputException'])
    expect(glue.listPartitions('db', 't').map((p) => p.Values)).toEqual([['1']])
    expect(() => glue.getTable('db', 'nope')).toThrow(GlueError)
    const t = resolveExternalTable('spectrum', glue.getTable('db', 't'))
    expect(t.format).toEqual({ kind: 'text', delimiter: '\u0001', skipHeader: 0, nullAs: null })
    expect(changes).toBe(3)
  })
})
