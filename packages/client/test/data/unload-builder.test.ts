import { describe, expect, it } from 'vitest'
import { Compression, UnloadCommandBuilder, UnloadFormat } from '../../src/index.js'
import { expectProblem, problemsOf } from '../problems-of.js'

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftUnloadRole'
const base = () =>
  new UnloadCommandBuilder('SELECT * FROM venue').toS3('reports-bucket', 'venue/').iamRole(ROLE)
const HEAD = `UNLOAD ('SELECT * FROM venue') TO 's3://reports-bucket/venue/' IAM_ROLE '${ROLE}'`

describe('UnloadCommandBuilder: every option compiles to its SQL', () => {
  const cases: [string, (b: UnloadCommandBuilder) => UnloadCommandBuilder, string][] = [
    ['csv()', (b) => b.csv(), 'FORMAT AS CSV'],
    ['csvWithHeader()', (b) => b.csvWithHeader(), 'FORMAT AS CSV HEADER'],
    ['parquet()', (b) => b.parquet(), 'FORMAT AS PARQUET'],
    ['parquetSnappy()', (b) => b.parquetSnappy(), 'FORMAT AS PARQUET'],
    ['json()', (b) => b.json(), 'FORMAT AS JSON'],
    ['format(Json)', (b) => b.format(UnloadFormat.Json), 'FORMAT AS JSON'],
    ['format(Text)', (b) => b.json().format(UnloadFormat.Text), ''],
    ['header', (b) => b.header(), 'HEADER'],
    ['delimiter', (b) => b.delimiter('|'), "DELIMITER AS '|'"],
    ['fixedWidth', (b) => b.fixedWidth({ venueid: 3, venuename: 39 }), "FIXEDWIDTH 'venueid:3,venuename:39'"],
    ['addQuotes', (b) => b.addQuotes(), 'ADDQUOTES'],
    ['nullAs', (b) => b.nullAs('null'), "NULL AS 'null'"],
    ['escape', (b) => b.escape(), 'ESCAPE'],
    ['gzip', (b) => b.compression(Compression.Gzip), 'GZIP'],
    ['bzip2', (b) => b.compression(Compression.Bzip2), 'BZIP2'],
    ['zstd', (b) => b.compression(Compression.Zstd), 'ZSTD'],
    ['partitionBy', (b) => b.partitionBy(['region', 'Year']), 'PARTITION BY (region, "Year")'],
    [
      'partitionBy include',
      (b) => b.partitionBy(['region'], { include: true }),
      'PARTITION BY (region) INCLUDE',
    ],
    ['manifest', (b) => b.manifest(true), 'MANIFEST'],
    ['manifest(false)', (b) => b.manifest(true).manifest(false), ''],
    ['manifestVerbose', (b) => b.manifestVerbose(), 'MANIFEST VERBOSE'],
    ['parallel on', (b) => b.parallel(true), 'PARALLEL ON'],
    ['parallel off', (b) => b.parallel(false), 'PARALLEL OFF'],
    ['maxFileSizeMb', (b) => b.maxFileSizeMb(256), 'MAXFILESIZE 256 MB'],
    ['maxFileSize GB', (b) => b.maxFileSize(1, 'GB'), 'MAXFILESIZE 1 GB'],
    ['rowGroupSizeMb', (b) => b.parquet().rowGroupSizeMb(64), 'FORMAT AS PARQUET ROWGROUPSIZE 64 MB'],
    ['allowOverwrite', (b) => b.allowOverwrite(true), 'ALLOWOVERWRITE'],
    ['cleanPath', (b) => b.cleanPath(), 'CLEANPATH'],
    ['extension', (b) => b.extension('csv.gz'), "EXTENSION 'csv.gz'"],
    ['region', (b) => b.region('us-west-2'), "REGION 'us-west-2'"],
    ['encrypted(kms)', (b) => b.encrypted('1234abcd-12ab-34cd'), "ENCRYPTED KMS_KEY_ID '1234abcd-12ab-34cd'"],
    ['encryptedAuto', (b) => b.encryptedAuto(), 'ENCRYPTED AUTO'],
    [
      'encrypted + master key',
      (b) => b.encrypted().masterSymmetricKey('a2V5'),
      "ENCRYPTED MASTER_SYMMETRIC_KEY 'a2V5'",
    ],
    ['encrypted(false)', (b) => b.encrypted('k').encrypted(false), ''],
  ]
  it.each(cases)('%s', (_name, apply, sql) => {
    expect(apply(base()).build().toSql()).toBe(sql === '' ? HEAD : `${HEAD} ${sql}`)
  })

  it('doubles the quotes of the query and drops its trailing semicolon', () => {
    const cmd = new UnloadCommandBuilder("SELECT * FROM venue WHERE venuestate = 'NV';  ")
      .toS3('reports-bucket', 'nv_')
      .iamRole('default')
      .build()
    expect(cmd.toSql()).toBe(
      "UNLOAD ('SELECT * FROM venue WHERE venuestate = ''NV''') TO 's3://reports-bucket/nv_' IAM_ROLE default",
    )
    expect(cmd.query).toBe("SELECT * FROM venue WHERE venuestate = 'NV'")
  })

  it('places the manifest at <prefix>manifest, or at the root of the partition folders', () => {
    expect(base().manifest().build().manifestUrl).toBe('s3://reports-bucket/venue/manifest')
    expect(new UnloadCommandBuilder('SELECT 1').toS3('b-1', 'venue_').manifest().build().manifestUrl).toBe(
      's3://b-1/venue_manifest',
    )
    expect(
      new UnloadCommandBuilder('SELECT a, b FROM t').toS3('b-1', 'out').partitionBy(['a']).manifest().build()
        .manifestUrl,
    ).toBe('s3://b-1/out/manifest')
    expect(base().build().manifestUrl).toBeUndefined()
  })

  it('is immutable', () => {
    const a = base()
    const b = a.csv()
    expect(a.build().toSql()).toBe(HEAD)
    expect(b.build().toSql()).toBe(`${HEAD} FORMAT AS CSV`)
    expect(Object.isFrozen(b.build())).toBe(true)
  })
})

describe('UnloadCommandBuilder.build(): every problem at once', () => {
  it('lists a missing destination and a bad query together', () => {
    const problems = problemsOf(() => new UnloadCommandBuilder('DELETE FROM t').build())
    expect(problems.map((p) => p.field).sort()).toEqual(['destination', 'query'])
  })

  it("reports all of a command's problems in one error", () => {
    const problems = problemsOf(() =>
      base()
        .parquet()
        .delimiter(',')
        .header()
        .compression(Compression.Gzip)
        .allowOverwrite()
        .cleanPath()
        .maxFileSizeMb(1)
        .build(),
    )
    expect(problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['delimiter', 'header', 'compression', 'cleanPath', 'maxFileSize']),
    )
    expect(problems.length).toBeGreaterThanOrEqual(5)
  })

  const rejects: [string, () => unknown, string, RegExp][] = [
    ['PARQUET with DELIMITER', () => base().parquet().delimiter(',').build(), 'delimiter', /PARQUET/],
    ['PARQUET with FIXEDWIDTH', () => base().parquet().fixedWidth('a:1').build(), 'fixedWidth', /PARQUET/],
    ['PARQUET with ADDQUOTES', () => base().parquet().addQuotes().build(), 'addQuotes', /PARQUET/],
    ['PARQUET with ESCAPE', () => base().parquet().escape().build(), 'escape', /PARQUET/],
    ['PARQUET with NULL AS', () => base().parquet().nullAs('').build(), 'nullAs', /PARQUET/],
    ['PARQUET with HEADER', () => base().parquet().header().build(), 'header', /PARQUET/],
    [
      'PARQUET with ZSTD',
      () => base().parquet().compression(Compression.Zstd).build(),
      'compression',
      /PARQUET/,
    ],
    [
      'PARQUET with a client-side key',
      () => base().parquet().encrypted().masterSymmetricKey('k').build(),
      'masterSymmetricKey',
      /SSE-KMS/,
    ],
    ['PARQUET with plain ENCRYPTED', () => base().parquet().encrypted().build(), 'encrypted', /SSE-KMS/],
    ['JSON with HEADER', () => base().json().header().build(), 'header', /JSON/],
    ['JSON with DELIMITER', () => base().json().delimiter(',').build(), 'delimiter', /JSON/],
    ['CSV with FIXEDWIDTH', () => base().csv().fixedWidth('a:1').build(), 'fixedWidth', /CSV/],
    ['CSV with ADDQUOTES', () => base().csv().addQuotes().build(), 'addQuotes', /CSV/],
    [
      'FIXEDWIDTH with DELIMITER',
      () => base().fixedWidth('a:1').delimiter(',').build(),
      'fixedWidth',
      /DELIMITER/,
    ],
    ['FIXEDWIDTH with HEADER', () => base().fixedWidth('a:1').header().build(), 'header', /FIXEDWIDTH/],
    [
      'ALLOWOVERWRITE with CLEANPATH',
      () => base().allowOverwrite().cleanPath().build(),
      'cleanPath',
      /ALLOWOVERWRITE/,
    ],
    [
      'ENCRYPTED AUTO with a client-side key',
      () => base().encryptedAuto().masterSymmetricKey('k').build(),
      'masterSymmetricKey',
      /AUTO/,
    ],
    [
      'KMS_KEY_ID with CREDENTIALS',
      () =>
        new UnloadCommandBuilder('SELECT 1')
          .toS3('b-1')
          .credentials(`aws_iam_role=${ROLE}`)
          .encrypted('k')
          .build(),
      'kmsKeyId',
      /CREDENTIALS/,
    ],
    [
      'MASTER_SYMMETRIC_KEY without ENCRYPTED',
      () => base().masterSymmetricKey('k').build(),
      'masterSymmetricKey',
      /ENCRYPTED/,
    ],
    ['ROWGROUPSIZE without PARQUET', () => base().rowGroupSizeMb(64).build(), 'rowGroupSize', /PARQUET/],
    [
      'ROWGROUPSIZE out of range',
      () => base().parquet().rowGroupSizeMb(256).build(),
      'rowGroupSize',
      /32 MB to 128 MB/,
    ],
    ['MAXFILESIZE too small', () => base().maxFileSizeMb(4).build(), 'maxFileSize', /5 MB to 6.2 GB/],
    ['MAXFILESIZE too large', () => base().maxFileSize(7, 'GB').build(), 'maxFileSize', /6.2 GB/],
    ['LZOP output', () => base().compression(Compression.Lzop).build(), 'compression', /GZIP, BZIP2 or ZSTD/],
    ['a two-character delimiter', () => base().delimiter('||').build(), 'delimiter', /exactly one character/],
    ['an empty PARTITION BY', () => base().partitionBy([]).build(), 'partitionBy', /at least one column/],
    ['a repeated partition column', () => base().partitionBy(['a', 'a']).build(), 'partitionBy[1]', /twice/],
    [
      'an outer LIMIT',
      () => new UnloadCommandBuilder('SELECT * FROM t LIMIT 10').toS3('b-1').build(),
      'query',
      /LIMIT/,
    ],
    [
      'a second statement',
      () => new UnloadCommandBuilder('SELECT 1; DROP TABLE t').toS3('b-1').build(),
      'query',
      /single statement/,
    ],
    [
      'a non-SELECT',
      () => new UnloadCommandBuilder('UPDATE t SET a = 1').toS3('b-1').build(),
      'query',
      /SELECT/,
    ],
    [
      'unbalanced parentheses',
      () => new UnloadCommandBuilder('SELECT (1').toS3('b-1').build(),
      'query',
      /parentheses/,
    ],
    ['an empty query', () => new UnloadCommandBuilder('  ;').toS3('b-1').build(), 'query', /empty/],
    [
      'a malformed bucket',
      () => new UnloadCommandBuilder('SELECT 1').toS3('-bad-', 'x').build(),
      'toS3.bucket',
      /bucket name/,
    ],
    [
      'a malformed S3 URL',
      () => new UnloadCommandBuilder('SELECT 1').toS3Url('s4://b-1/x').build(),
      'toS3Url',
      /must be an s3:\/\/bucket\/prefix URL, got "s4:\/\/b-1\/x"/,
    ],
    [
      'a malformed role ARN',
      () => base().iamRole('role/RedshiftUnloadRole').build(),
      'iamRole',
      /IAM role ARN/,
    ],
    ['an extension with a slash', () => base().extension('a/b').build(), 'extension', /"\/"/],
  ]
  it.each(rejects)('rejects %s', (_name, build, field, message) => {
    expectProblem(build, field, message)
  })

  it('allows LIMIT inside a subquery, and literals that look like statements', () => {
    const cmd = new UnloadCommandBuilder(
      "SELECT * FROM (SELECT * FROM t LIMIT 10) WHERE note = '; DROP TABLE t; LIMIT 1'",
    )
      .toS3('b-1', 'x')
      .build()
    expect(cmd.toSql()).toContain("note = ''; DROP TABLE t; LIMIT 1''")
  })
})
