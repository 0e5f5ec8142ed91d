import { describe, expect, it } from 'vitest'
import { Compression, CopyCommandBuilder, DataFormat, TableRef, ValidationError } from '../../src/index.js'
import { expectProblem, problemsOf } from '../problems-of.js'

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopyRole'
const base = () =>
  new CopyCommandBuilder(new TableRef('analytics', 'events')).fromS3('data-bucket', 'events/').iamRole(ROLE)
const HEAD = `COPY analytics.events FROM 's3://data-bucket/events/' IAM_ROLE '${ROLE}'`

describe('CopyCommandBuilder: every option compiles to its SQL', () => {
  const cases: [string, (b: CopyCommandBuilder) => CopyCommandBuilder, string][] = [
    ['csv()', (b) => b.csv(), 'CSV'],
    ['csv({ quote })', (b) => b.csv({ quote: '%' }), "CSV QUOTE AS '%'"],
    [
      'csvWithOptions',
      (b) => b.csvWithOptions(';', "'", true),
      "CSV QUOTE AS '''' DELIMITER ';' IGNOREHEADER 1",
    ],
    ['json()', (b) => b.json(), "JSON 'auto'"],
    ['json(auto ignorecase)', (b) => b.json('auto ignorecase'), "JSON 'auto ignorecase'"],
    ['json(noshred)', (b) => b.json('noshred'), "JSON 'noshred'"],
    [
      'jsonWithPaths',
      (b) => b.jsonWithPaths('s3://data-bucket/paths.json'),
      "JSON 's3://data-bucket/paths.json'",
    ],
    ['avro()', (b) => b.avro(), "FORMAT AS AVRO 'auto'"],
    [
      'avroWithPaths',
      (b) => b.avroWithPaths('s3://data-bucket/a.avropath'),
      "FORMAT AS AVRO 's3://data-bucket/a.avropath'",
    ],
    ['parquet()', (b) => b.parquet(), 'FORMAT AS PARQUET'],
    ['orc()', (b) => b.orc(), 'FORMAT AS ORC'],
    [
      'parquet().serializeToJson()',
      (b) => b.parquet().serializeToJson(),
      'FORMAT AS PARQUET SERIALIZETOJSON',
    ],
    ['orc().serializeToJson()', (b) => b.serializeToJson().orc(), 'FORMAT AS ORC SERIALIZETOJSON'],
    ['shapefile()', (b) => b.shapefile(), 'FORMAT SHAPEFILE'],
    [
      'shapefile simplify auto',
      (b) => b.shapefile({ simplify: { auto: true, tolerance: 1.5 } }),
      'FORMAT SHAPEFILE SIMPLIFY AUTO 1.5',
    ],
    ['format(DataFormat.Json)', (b) => b.format(DataFormat.Json), "JSON 'auto'"],
    ['format(DataFormat.Text)', (b) => b.csv().format(DataFormat.Text), ''],
    ['delimiter', (b) => b.delimiter('\t'), "DELIMITER '\t'"],
    ['fixedWidth string', (b) => b.fixedWidth('id:3,name:25'), "FIXEDWIDTH 'id:3,name:25'"],
    ['fixedWidth object', (b) => b.fixedWidth({ id: 3, name: 25 }), "FIXEDWIDTH 'id:3,name:25'"],
    ['fixedWidth pairs', (b) => b.fixedWidth([['id', 3]]), "FIXEDWIDTH 'id:3'"],
    ['compression gzip', (b) => b.compression(Compression.Gzip), 'GZIP'],
    ['compression bzip2', (b) => b.compression(Compression.Bzip2), 'BZIP2'],
    ['compression lzop', (b) => b.compression(Compression.Lzop), 'LZOP'],
    ['compression zstd', (b) => b.compression(Compression.Zstd), 'ZSTD'],
    ['compression none', (b) => b.compression(Compression.Gzip).compression(Compression.None), ''],
    ['region', (b) => b.region('eu-west-1'), "REGION 'eu-west-1'"],
    [
      'encrypted + key',
      (b) => b.encrypted().masterSymmetricKey('a2V5'),
      "ENCRYPTED MASTER_SYMMETRIC_KEY 'a2V5'",
    ],
    ['acceptAnyDate', (b) => b.acceptAnyDate(), 'ACCEPTANYDATE'],
    ['acceptInvChars()', (b) => b.acceptInvChars(), 'ACCEPTINVCHARS'],
    ['acceptInvChars(c)', (b) => b.acceptInvChars('^'), "ACCEPTINVCHARS AS '^'"],
    ['blanksAsNull', (b) => b.blanksAsNull(true), 'BLANKSASNULL'],
    ['dateFormat', (b) => b.dateFormat('auto'), "DATEFORMAT 'auto'"],
    ['timeFormat', (b) => b.timeFormat('YYYY-MM-DD HH:MI:SS'), "TIMEFORMAT 'YYYY-MM-DD HH:MI:SS'"],
    ['emptyAsNull', (b) => b.emptyAsNull(), 'EMPTYASNULL'],
    ['encoding', (b) => b.encoding('UTF16LE'), 'ENCODING UTF16LE'],
    ['escape', (b) => b.escape(), 'ESCAPE'],
    ['explicitIds', (b) => b.explicitIds(), 'EXPLICIT_IDS'],
    ['fillRecord', (b) => b.fillRecord(), 'FILLRECORD'],
    ['ignoreBlankLines', (b) => b.ignoreBlankLines(), 'IGNOREBLANKLINES'],
    ['ignoreHeader', (b) => b.ignoreHeader(2), 'IGNOREHEADER 2'],
    ['nullAs', (b) => b.nullAs('\\N'), "NULL AS '\\\\N'"],
    ['removeQuotes', (b) => b.removeQuotes(), 'REMOVEQUOTES'],
    ['roundEc', (b) => b.roundEc(), 'ROUNDEC'],
    ['trimBlanks', (b) => b.trimBlanks(), 'TRIMBLANKS'],
    ['truncateColumns', (b) => b.truncateColumns(true), 'TRUNCATECOLUMNS'],
    ['truncateColumns(false)', (b) => b.truncateColumns(true).truncateColumns(false), ''],
    ['compRows', (b) => b.compRows(5000), 'COMPROWS 5000'],
    ['compUpdate preset', (b) => b.compUpdate('PRESET'), 'COMPUPDATE PRESET'],
    ['compUpdate false', (b) => b.compUpdate(false), 'COMPUPDATE OFF'],
    ['maxErrors', (b) => b.maxErrors(100), 'MAXERROR 100'],
    ['ignoreAllErrors', (b) => b.ignoreAllErrors(), 'IGNOREALLERRORS'],
    ['noLoad', (b) => b.noLoad(), 'NOLOAD'],
    ['statUpdate on', (b) => b.statUpdate(true), 'STATUPDATE ON'],
    ['statUpdate off', (b) => b.statUpdate(false), 'STATUPDATE OFF'],
  ]
  it.each(cases)('%s', (_name, apply, sql) => {
    expect(apply(base()).build().toSql()).toBe(sql === '' ? HEAD : `${HEAD} ${sql}`)
  })

  it('writes the sources, the column list and the authorization forms', () => {
    const t = new CopyCommandBuilder('events')
    expect(t.fromS3Manifest('b-1', 'm/cust.manifest').iamRole('default').build().toSql()).toBe(
      "COPY events FROM 's3://b-1/m/cust.manifest' IAM_ROLE default MANIFEST",
    )
    expect(t.fromDynamoDb('Movies', 50).iamRole(ROLE).build().toSql()).toBe(
      `COPY events FROM 'dynamodb://Movies' IAM_ROLE '${ROLE}' READRATIO 50`,
    )
    expect(t.fromEmr('j-SAMPLE2B500FC', 'myoutput/part-*').iamRole(ROLE).build().toSql()).toBe(
      `COPY events FROM 'emr://j-SAMPLE2B500FC/myoutput/part-*' IAM_ROLE '${ROLE}'`,
    )
    expect(t.fromSsh('b-1', 'ssh.manifest').iamRole(ROLE).build().toSql()).toBe(
      `COPY events FROM 's3://b-1/ssh.manifest' IAM_ROLE '${ROLE}' SSH`,
    )
    expect(t.fromS3Url('s3://b-1/x/y').columns(['id', 'Name', 'select']).build().toSql()).toBe(
      `COPY events (id, "Name", "select") FROM 's3://b-1/x/y'`,
    )
    const other = 'arn:aws:iam::210987654321:role/Other'
    expect(t.fromS3('b-1', 'p').iamRole([ROLE, other]).build().toSql()).toContain(
      `IAM_ROLE '${ROLE},${other}'`,
    )
    expect(t.fromS3('b-1', 'p').iamRole(`${ROLE}, ${other}`).build().toSql()).toContain(
      `IAM_ROLE '${ROLE},${other}'`,
    )
    expect(
      t
        .fromS3('b-1', 'p')
        .accessKeys({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalr/K7', sessionToken: 'tok' })
        .build()
        .toSql(),
    ).toBe(
      "COPY events FROM 's3://b-1/p' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY 'wJalr/K7' SESSION_TOKEN 'tok'",
    )
    expect(t.fromS3('b-1', 'p').credentials(`aws_iam_role=${ROLE}`).build().toSql()).toBe(
      `COPY events FROM 's3://b-1/p' CREDENTIALS 'aws_iam_role=${ROLE}'`,
    )
  })

  it('keeps options in the order first set, and a new value in place', () => {
    const sql = base().maxErrors(5).delimiter('|').maxErrors(10).build().toSql()
    expect(sql).toBe(`${HEAD} MAXERROR 10 DELIMITER '|'`)
  })

  it('is immutable: every call returns a new builder and leaves the old one as it was', () => {
    const a = base()
    const b = a.csv()
    expect(b).not.toBe(a)
    expect(a.build().toSql()).toBe(HEAD)
    expect(b.build().toSql()).toBe(`${HEAD} CSV`)
    const cmd = b.build()
    expect(Object.isFrozen(cmd)).toBe(true)
    expect(Object.isFrozen(cmd.options)).toBe(true)
    expect(cmd.format).toBe('csv')
  })

  it('gives the command as a Query with no parameters', () => {
    const q = base().build().toQuery()
    expect(q).toMatchObject({ sql: HEAD, params: [] })
    expect(Object.isFrozen(q)).toBe(true)
  })
})

describe('CopyCommandBuilder.build(): every problem at once', () => {
  it('lists a missing source', () => {
    expect(problemsOf(() => new CopyCommandBuilder('t').build())).toEqual([
      { field: 'source', message: expect.stringContaining('fromS3(bucket, prefix)') },
    ])
  })

  it('reports incompatible combinations and bad values together', () => {
    const problems = problemsOf(() =>
      new CopyCommandBuilder('t')
        .fromS3('Bad_Bucket', '/leading')
        .parquet()
        .delimiter('||')
        .maxErrors(100)
        .iamRole('arn:aws:iam::12345:role/x')
        .build(),
    )
    const fields = problems.map((p) => p.field)
    expect(fields).toEqual(
      expect.arrayContaining(['fromS3.bucket', 'fromS3.prefix', 'iamRole', 'delimiter', 'maxErrors']),
    )
    expect(
      problems.find((p) => p.field === 'delimiter' && /exactly one character/.test(p.message)),
    ).toBeDefined()
    expect(
      problems.find((p) => p.field === 'delimiter' && /not supported with PARQUET/.test(p.message)),
    ).toBeDefined()
    expect(problems.find((p) => p.field === 'maxErrors')?.message).toMatch(/first error/)
  })

  const rejects: [string, () => unknown, string, RegExp][] = [
    [
      'READRATIO below 1',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 0).build(),
      'fromDynamoDb.readRatio',
      /1 to 200/,
    ],
    [
      'READRATIO above 200',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 201).build(),
      'fromDynamoDb.readRatio',
      /1 to 200/,
    ],
    [
      'READRATIO not whole',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 1.5).build(),
      'fromDynamoDb.readRatio',
      /whole number/,
    ],
    [
      'a bad DynamoDB table',
      () => new CopyCommandBuilder('t').fromDynamoDb('a', 5).build(),
      'fromDynamoDb.table',
      /DynamoDB table/,
    ],
    [
      'DynamoDB with a format',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 5).csv().build(),
      'format',
      /DynamoDB/,
    ],
    [
      'DynamoDB with IGNOREHEADER',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 5).ignoreHeader(1).build(),
      'ignoreHeader',
      /DynamoDB/,
    ],
    ['CSV with FIXEDWIDTH', () => base().csv().fixedWidth('a:1').build(), 'fixedWidth', /CSV/],
    ['CSV with REMOVEQUOTES', () => base().csv().removeQuotes().build(), 'removeQuotes', /CSV/],
    ['CSV with ESCAPE', () => base().csv().escape().build(), 'escape', /CSV/],
    [
      'DELIMITER with FIXEDWIDTH',
      () => base().delimiter(',').fixedWidth('a:1').build(),
      'delimiter',
      /FIXEDWIDTH/,
    ],
    ['FIXEDWIDTH with ESCAPE', () => base().fixedWidth('a:1').escape().build(), 'escape', /FIXEDWIDTH/],
    ['JSON with DELIMITER', () => base().json().delimiter(',').build(), 'delimiter', /JSON/],
    ['JSON with NULL AS', () => base().json().nullAs('x').build(), 'nullAs', /JSON/],
    ['AVRO with FILLRECORD', () => base().avro().fillRecord().build(), 'fillRecord', /AVRO/],
    [
      'PARQUET with GZIP',
      () => base().parquet().compression(Compression.Gzip).build(),
      'compression',
      /PARQUET/,
    ],
    ['ORC with REGION', () => base().orc().region('us-east-1').build(), 'region', /ORC/],
    [
      'PARQUET from DynamoDB',
      () => new CopyCommandBuilder('t').fromDynamoDb('Movies', 5).parquet().build(),
      'source',
      /only from Amazon S3/,
    ],
    [
      'SERIALIZETOJSON with CSV',
      () => base().csv().serializeToJson().build(),
      'serializeToJson',
      /PARQUET or ORC/,
    ],
    [
      'IGNOREALLERRORS with MAXERROR',
      () => base().maxErrors(3).ignoreAllErrors().build(),
      'ignoreAllErrors',
      /MAXERROR/,
    ],
    ['MAXERROR over 100000', () => base().maxErrors(100_001).build(), 'maxErrors', /0 to 100000/],
    ['COMPROWS under 1000', () => base().compRows(10).build(), 'compRows', /1000/],
    ['a negative IGNOREHEADER', () => base().ignoreHeader(-1).build(), 'ignoreHeader', /whole number/],
    [
      'a two-character delimiter',
      () => base().delimiter('ab').build(),
      'delimiter',
      /exactly one character, got 2/,
    ],
    ['a non-ASCII delimiter', () => base().delimiter('§').build(), 'delimiter', /ASCII/],
    ['a two-character quote', () => base().csv({ quote: '""' }).build(), 'csv.quote', /one character/],
    ['a bad ACCEPTINVCHARS', () => base().acceptInvChars('??').build(), 'acceptInvChars', /one character/],
    ['a bad fixed-width spec', () => base().fixedWidth('a:x').build(), 'fixedWidth', /label:width/],
    ['a bad region', () => base().region('mars-1').build(), 'region', /AWS region/],
    [
      'a bad encoding',
      () =>
        base()
          .encoding('LATIN1' as 'UTF8')
          .build(),
      'encoding',
      /UTF8/,
    ],
    [
      'a bad JSON mapping',
      () =>
        base()
          .json('manual' as 'auto')
          .build(),
      'json',
      /JSONPaths/,
    ],
    ['a bad JSONPaths URL', () => base().jsonWithPaths('s3://B/x').build(), 'jsonWithPaths', /bucket/],
    ['ENCRYPTED without a key', () => base().encrypted().build(), 'encrypted', /masterSymmetricKey/],
    [
      'MASTER_SYMMETRIC_KEY without ENCRYPTED',
      () => base().masterSymmetricKey('a2V5').build(),
      'masterSymmetricKey',
      /encrypted\(\)/,
    ],
    [
      'ENCRYPTED from EMR',
      () => new CopyCommandBuilder('t').fromEmr('j-ABC', 'p').encrypted().masterSymmetricKey('k').build(),
      'encrypted',
      /EMR/,
    ],
    [
      'ZSTD from EMR',
      () => new CopyCommandBuilder('t').fromEmr('j-ABC', 'p').compression(Compression.Zstd).build(),
      'compression',
      /ZSTD/,
    ],
    [
      'a bad EMR cluster',
      () => new CopyCommandBuilder('t').fromEmr('cluster', 'p').build(),
      'fromEmr.clusterId',
      /EMR cluster/,
    ],
    [
      'an empty manifest key',
      () => new CopyCommandBuilder('t').fromS3Manifest('b-1', '').build(),
      'fromS3Manifest.key',
      /empty/,
    ],
    [
      'a malformed S3 URL',
      () => new CopyCommandBuilder('t').fromS3Url('https://b-1/x').build(),
      'fromS3Url',
      /must be an s3:\/\/bucket\/prefix URL, got "https:\/\/b-1\/x"/,
    ],
    [
      'a malformed role ARN',
      () => base().iamRole('arn:aws:iam::123:role/x').build(),
      'iamRole',
      /IAM role ARN/,
    ],
    [
      'default chained with a role',
      () => base().iamRole(['default', ROLE]).build(),
      'iamRole',
      /cannot be chained/,
    ],
    ['eleven chained roles', () => base().iamRole(Array(11).fill(ROLE)).build(), 'iamRole', /at most 10/],
    [
      'two authorization forms',
      () => base().credentials(`aws_iam_role=${ROLE}`).build(),
      'authorization',
      /mutually exclusive/,
    ],
    [
      'a bad access key id',
      () =>
        new CopyCommandBuilder('t')
          .fromS3('b-1')
          .accessKeys({ accessKeyId: 'x', secretAccessKey: 'y' })
          .build(),
      'accessKeys.accessKeyId',
      /access key id/,
    ],
    [
      'credentials with spaces',
      () => new CopyCommandBuilder('t').fromS3('b-1').credentials(`aws_iam_role= ${ROLE}`).build(),
      'credentials',
      /spaces/,
    ],
    [
      'credentials with nothing usable',
      () => new CopyCommandBuilder('t').fromS3('b-1').credentials('foo=bar').build(),
      'credentials',
      /aws_iam_role/,
    ],
    [
      'an empty table name',
      () => new CopyCommandBuilder(new TableRef('')).fromS3('b-1').build(),
      'table.name',
      /non-empty/,
    ],
    [
      'a table name over 127 bytes',
      () => new CopyCommandBuilder(new TableRef('x'.repeat(128))).fromS3('b-1').build(),
      'table.name',
      /127 bytes/,
    ],
    ['a duplicate column', () => base().columns(['a', 'A']).build(), 'columns[1]', /twice/],
    ['a NUL in a value', () => base().nullAs('a\u0000').build(), 'nullAs', /NUL/],
  ]
  it.each(rejects)('rejects %s', (_name, build, field, message) => {
    expectProblem(build, field, message)
  })

  it('accepts what columnar loads allow', () => {
    const sql = base().parquet().acceptInvChars().fillRecord().statUpdate(false).explicitIds().build().toSql()
    expect(sql).toBe(`${HEAD} FORMAT AS PARQUET ACCEPTINVCHARS FILLRECORD STATUPDATE OFF EXPLICIT_IDS`)
  })

  it('never throws from a setter, only from build()', () => {
    expect(() => new CopyCommandBuilder('t').delimiter('too long').maxErrors(-3).region('x')).not.toThrow()
  })
})

describe('TableRef', () => {
  it('quotes names that need it, and parses its text form back', () => {
    expect(new TableRef('Sales', 'q"1').toSql()).toBe('"Sales"."q""1"')
    expect(TableRef.parse('"Sales"."q""1"')).toEqual(new TableRef('Sales', 'q"1'))
    expect(TableRef.parse('Analytics.Events')).toEqual(new TableRef('analytics', 'events'))
    expect(TableRef.parse('events')).toEqual(new TableRef('events'))
    expect(() => TableRef.parse('a.b.c')).toThrow(ValidationError)
    expect(() => TableRef.parse('a; drop')).toThrow(ValidationError)
  })
})
