import { describe, expect, it } from 'vitest'
import { Compression, CopyCommandBuilder, type TableRef, UnloadCommandBuilder } from '../../src/index.js'
import { redshiftTokens } from './sql-tokens.js'

/**
 * The COPY and UNLOAD examples of the Amazon Redshift Database Developer Guide (pages
 * "COPY examples" and "UNLOAD examples"), built with the builders and compared with the documented
 * text token by token: whitespace, keyword case and the optional words FORMAT and AS aside, and
 * literals compared by value as Redshift reads them (the documented `'\t'` is a tab).
 *
 * One substitution: the guide's role ARN has a 13-digit account (`0123456789012`), which no AWS
 * account has and the builders refuse; both sides use the 12-digit `123456789012`.
 */
const DOC_ROLE = 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
const ROLE = 'arn:aws:iam::123456789012:role/MyRedshiftRole'
const doc = (sql: string) => sql.replaceAll(DOC_ROLE, ROLE)

const copy = (table: string | TableRef) => new CopyCommandBuilder(table)
const unload = (query: string) => new UnloadCommandBuilder(query)

const COPY_EXAMPLES: [string, string, () => { toSql(): string }][] = [
  [
    'Load FAVORITEMOVIES from a DynamoDB table',
    `copy favoritemovies from 'dynamodb://Movies'
     iam_role '${DOC_ROLE}'
     readratio 50;`,
    () => copy('favoritemovies').fromDynamoDb('Movies', 50).iamRole(ROLE).build(),
  ],
  [
    'Load LISTING from an Amazon S3 bucket',
    `copy listing
     from 's3://mybucket/data/listing/'
     iam_role '${DOC_ROLE}';`,
    () => copy('listing').fromS3('mybucket', 'data/listing/').iamRole(ROLE).build(),
  ],
  [
    'Load SALES from an Amazon EMR cluster (tab-delimited, lzop)',
    `copy sales
     from 'emr://j-SAMPLE2B500FC/myoutput/part-*'
     iam_role '${DOC_ROLE}'
     delimiter '\\t' lzop;`,
    () =>
      copy('sales')
        .fromEmr('j-SAMPLE2B500FC', 'myoutput/part-*')
        .iamRole(ROLE)
        .delimiter('\t')
        .compression(Compression.Lzop)
        .build(),
  ],
  [
    'Load SALES from an Amazon EMR cluster (JSON)',
    `copy sales
     from 'emr://j-SAMPLE2B500FC/myoutput/json/'
     iam_role '${DOC_ROLE}'
     JSON 's3://mybucket/jsonpaths.txt';`,
    () =>
      copy('sales')
        .fromEmr('j-SAMPLE2B500FC', 'myoutput/json/')
        .iamRole(ROLE)
        .jsonWithPaths('s3://mybucket/jsonpaths.txt')
        .build(),
  ],
  [
    'Load files by prefix',
    `copy category
     from 's3://mybucket/custdata'
     iam_role '${DOC_ROLE}';`,
    () => copy('category').fromS3('mybucket', 'custdata').iamRole(ROLE).build(),
  ],
  [
    'Load with a manifest',
    `copy customer
     from 's3://mybucket/cust.manifest'
     iam_role '${DOC_ROLE}'
     manifest;`,
    () => copy('customer').fromS3Manifest('mybucket', 'cust.manifest').iamRole(ROLE).build(),
  ],
  [
    'Load LISTING using temporary credentials',
    `copy listing
     from 's3://mybucket/data/listings_pipe.txt'
     access_key_id 'AKIAIOSFODNN7EXAMPLE'
     secret_access_key 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
     session_token 'FwoGZXIvYXdzEXAMPLETOKEN';`,
    () =>
      copy('listing')
        .fromS3('mybucket', 'data/listings_pipe.txt')
        .accessKeys({
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
        })
        .build(),
  ],
  [
    'Load EVENT with options',
    `copy event
     from 's3://mybucket/data/allevents_pipe.txt'
     iam_role '${DOC_ROLE}'
     removequotes
     emptyasnull
     blanksasnull
     maxerror 5
     delimiter '|'
     timeformat 'YYYY-MM-DD HH:MI:SS';`,
    () =>
      copy('event')
        .fromS3('mybucket', 'data/allevents_pipe.txt')
        .iamRole(ROLE)
        .removeQuotes()
        .emptyAsNull()
        .blanksAsNull()
        .maxErrors(5)
        .delimiter('|')
        .timeFormat('YYYY-MM-DD HH:MI:SS')
        .build(),
  ],
  [
    'Load VENUE from a fixed-width data file',
    `copy venue
     from 's3://mybucket/data/venue_fw.txt'
     iam_role '${DOC_ROLE}'
     fixedwidth 'venueid:3,venuename:25,venuecity:12,venuestate:2,venueseats:6';`,
    () =>
      copy('venue')
        .fromS3('mybucket', 'data/venue_fw.txt')
        .iamRole(ROLE)
        .fixedWidth({ venueid: 3, venuename: 25, venuecity: 12, venuestate: 2, venueseats: 6 })
        .build(),
  ],
  [
    'Load CATEGORY from a CSV file',
    `copy category
     from 's3://mybucket/data/category_csv.txt'
     iam_role '${DOC_ROLE}'
     csv;`,
    () => copy('category').fromS3('mybucket', 'data/category_csv.txt').iamRole(ROLE).csv().build(),
  ],
  [
    'Load CATEGORY from a CSV file with QUOTE AS',
    `copy category
     from 's3://mybucket/data/category_csv.txt'
     iam_role '${DOC_ROLE}'
     csv quote as '%';`,
    () =>
      copy('category').fromS3('mybucket', 'data/category_csv.txt').iamRole(ROLE).csv({ quote: '%' }).build(),
  ],
  [
    'Load VENUE with explicit values for an IDENTITY column',
    `copy venue
     from 's3://mybucket/data/venue.txt'
     iam_role '${DOC_ROLE}'
     explicit_ids;`,
    () => copy('venue').fromS3('mybucket', 'data/venue.txt').iamRole(ROLE).explicitIds().build(),
  ],
  [
    'Load TIME from a pipe-delimited GZIP file',
    `copy time
     from 's3://mybucket/data/timerows.gz'
     iam_role '${DOC_ROLE}'
     gzip
     delimiter '|';`,
    () =>
      copy('time')
        .fromS3('mybucket', 'data/timerows.gz')
        .iamRole(ROLE)
        .compression(Compression.Gzip)
        .delimiter('|')
        .build(),
  ],
  [
    'Load a timestamp',
    `copy timestamp1
     from 's3://mybucket/data/time.txt'
     iam_role '${DOC_ROLE}'
     timeformat 'YYYY-MM-DD HH:MI:SS';`,
    () =>
      copy('timestamp1')
        .fromS3('mybucket', 'data/time.txt')
        .iamRole(ROLE)
        .timeFormat('YYYY-MM-DD HH:MI:SS')
        .build(),
  ],
  [
    'Load data from a file with default values (column list)',
    `copy venue_new(venueid, venuename, venuecity, venuestate)
     from 's3://mybucket/data/venue_noseats.txt'
     iam_role '${DOC_ROLE}'
     delimiter '|';`,
    () =>
      copy('venue_new')
        .columns(['venueid', 'venuename', 'venuecity', 'venuestate'])
        .fromS3('mybucket', 'data/venue_noseats.txt')
        .iamRole(ROLE)
        .delimiter('|')
        .build(),
  ],
  [
    'Load an IDENTITY column with a column list',
    `copy venue(venueid, venuename, venuecity, venuestate)
     from 's3://mybucket/data/venue_pipe.txt'
     iam_role '${DOC_ROLE}'
     delimiter '|' explicit_ids;`,
    () =>
      copy('venue')
        .columns(['venueid', 'venuename', 'venuecity', 'venuestate'])
        .fromS3('mybucket', 'data/venue_pipe.txt')
        .iamRole(ROLE)
        .delimiter('|')
        .explicitIds()
        .build(),
  ],
  [
    'COPY data with the ESCAPE option',
    `copy redshiftinfo from 's3://mybucket/data/redshiftinfo.txt'
     iam_role '${DOC_ROLE}'
     delimiter '|' escape;`,
    () =>
      copy('redshiftinfo')
        .fromS3('mybucket', 'data/redshiftinfo.txt')
        .iamRole(ROLE)
        .delimiter('|')
        .escape()
        .build(),
  ],
  [
    "Load from JSON data using the 'auto' option",
    `copy category
     from 's3://mybucket/category_object_auto.json'
     iam_role '${DOC_ROLE}'
     json 'auto';`,
    () => copy('category').fromS3('mybucket', 'category_object_auto.json').iamRole(ROLE).json('auto').build(),
  ],
  [
    'Load from JSON data using a JSONPaths file',
    `copy category
     from 's3://mybucket/category_object_paths.json'
     iam_role '${DOC_ROLE}'
     json 's3://mybucket/category_jsonpath.json';`,
    () =>
      copy('category')
        .fromS3('mybucket', 'category_object_paths.json')
        .iamRole(ROLE)
        .jsonWithPaths('s3://mybucket/category_jsonpath.json')
        .build(),
  ],
  [
    'Load from JSON arrays using a JSONPaths file',
    `copy category
     from 's3://mybucket/category_array_data.json'
     iam_role '${DOC_ROLE}'
     json 's3://mybucket/category_array_jsonpath.json';`,
    () =>
      copy('category')
        .fromS3('mybucket', 'category_array_data.json')
        .iamRole(ROLE)
        .jsonWithPaths('s3://mybucket/category_array_jsonpath.json')
        .build(),
  ],
  [
    "Load from Avro data using the 'auto' option",
    `copy category
     from 's3://mybucket/category_auto.avro'
     iam_role '${DOC_ROLE}'
     format as avro 'auto';`,
    () => copy('category').fromS3('mybucket', 'category_auto.avro').iamRole(ROLE).avro().build(),
  ],
  [
    'Preparing files for COPY with the ESCAPE option',
    `copy t2 from 's3://mybucket/data/nlTest2.txt'
     iam_role '${DOC_ROLE}'
     escape
     delimiter as '|';`,
    () => copy('t2').fromS3('mybucket', 'data/nlTest2.txt').iamRole(ROLE).escape().delimiter('|').build(),
  ],
  [
    'Load VENUE from unload files',
    `copy loadvenue from 's3://mybucket/venue_pipe_' iam_role '${DOC_ROLE}';`,
    () => copy('loadvenue').fromS3('mybucket', 'venue_pipe_').iamRole(ROLE).build(),
  ],
  [
    'Load VENUE from unload files with a manifest',
    `copy loadvenue
     from 's3://mybucket/venue_pipe_manifest' iam_role '${DOC_ROLE}'
     manifest;`,
    () => copy('loadvenue').fromS3Manifest('mybucket', 'venue_pipe_manifest').iamRole(ROLE).build(),
  ],
  [
    'Load nulls back with NULL AS',
    `copy loadvenuenulls from 's3://mybucket/nulls/'
     iam_role '${DOC_ROLE}'
     null as 'fred';`,
    () => copy('loadvenuenulls').fromS3('mybucket', 'nulls/').iamRole(ROLE).nullAs('fred').build(),
  ],
  [
    'Load empty strings as NULL',
    `copy loadvenuenulls from 's3://mybucket/nulls/'
     iam_role '${DOC_ROLE}' EMPTYASNULL;`,
    () => copy('loadvenuenulls').fromS3('mybucket', 'nulls/').iamRole(ROLE).emptyAsNull().build(),
  ],
]

const UNLOAD_EXAMPLES: [string, string, () => { toSql(): string }][] = [
  [
    'Unload VENUE to a pipe-delimited file',
    `unload ('select * from venue')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}';`,
    () => unload('select * from venue').toS3('mybucket', 'unload/').iamRole(ROLE).build(),
  ],
  [
    'Unload VENUE with a name prefix',
    `unload ('select * from venue')
     to 's3://mybucket/unload/venue_pipe_'
     iam_role '${DOC_ROLE}';`,
    () => unload('select * from venue').toS3('mybucket', 'unload/venue_pipe_').iamRole(ROLE).build(),
  ],
  [
    'Unload LINEITEM to partitioned Parquet files',
    `unload ('select * from lineitem')
     to 's3://mybucket/lineitem/'
     iam_role '${DOC_ROLE}'
     PARQUET
     PARTITION BY (l_shipdate);`,
    () =>
      unload('select * from lineitem')
        .toS3('mybucket', 'lineitem/')
        .iamRole(ROLE)
        .parquet()
        .partitionBy(['l_shipdate'])
        .build(),
  ],
  [
    'Unload LINEITEM to partitioned Parquet files, partition column included',
    `unload ('select * from lineitem')
     to 's3://mybucket/lineitem/'
     iam_role '${DOC_ROLE}'
     PARQUET
     PARTITION BY (l_shipdate) INCLUDE;`,
    () =>
      unload('select * from lineitem')
        .toS3('mybucket', 'lineitem/')
        .iamRole(ROLE)
        .parquet()
        .partitionBy(['l_shipdate'], { include: true })
        .build(),
  ],
  [
    'Unload VENUE to a JSON file',
    `unload ('select * from venue')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}'
     JSON;`,
    () => unload('select * from venue').toS3('mybucket', 'unload/').iamRole(ROLE).json().build(),
  ],
  [
    'Unload VENUE to a CSV file',
    `unload ('select * from venue')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}'
     CSV;`,
    () => unload('select * from venue').toS3('mybucket', 'unload/').iamRole(ROLE).csv().build(),
  ],
  [
    'Unload VENUE to a CSV file using a delimiter',
    `unload ('select * from venue')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}'
     CSV DELIMITER AS '|';`,
    () =>
      unload('select * from venue').toS3('mybucket', 'unload/').iamRole(ROLE).csv().delimiter('|').build(),
  ],
  [
    'Unload VENUE with a manifest file',
    `unload ('select * from venue')
     to 's3://mybucket/venue_pipe_' iam_role '${DOC_ROLE}'
     manifest;`,
    () => unload('select * from venue').toS3('mybucket', 'venue_pipe_').iamRole(ROLE).manifest(true).build(),
  ],
  [
    'Unload VENUE with MANIFEST VERBOSE',
    `unload ('select * from venue')
     to 's3://mybucket/unload_venue_folder/'
     iam_role '${DOC_ROLE}'
     manifest verbose;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'unload_venue_folder/')
        .iamRole(ROLE)
        .manifestVerbose()
        .build(),
  ],
  [
    'Unload VENUE with a header',
    `unload ('select * from venue where venueseats > 75000')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}'
     header
     parallel off;`,
    () =>
      unload('select * from venue where venueseats > 75000')
        .toS3('mybucket', 'unload/')
        .iamRole(ROLE)
        .header()
        .parallel(false)
        .build(),
  ],
  [
    'Unload VENUE to smaller files',
    `unload ('select * from venue')
     to 's3://mybucket/unload/'
     iam_role '${DOC_ROLE}'
     maxfilesize 1 gb;`,
    () =>
      unload('select * from venue').toS3('mybucket', 'unload/').iamRole(ROLE).maxFileSize(1, 'GB').build(),
  ],
  [
    'Unload VENUE serially',
    `unload ('select * from venue')
     to 's3://mybucket/unload/venue_serial_'
     iam_role '${DOC_ROLE}'
     parallel off;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'unload/venue_serial_')
        .iamRole(ROLE)
        .parallel(false)
        .build(),
  ],
  [
    'Unload LINEORDER serially, compressed',
    `unload ('select * from lineorder')
     to 's3://mybucket/unload/lineorder_serial_'
     iam_role '${DOC_ROLE}'
     parallel off gzip;`,
    () =>
      unload('select * from lineorder')
        .toS3('mybucket', 'unload/lineorder_serial_')
        .iamRole(ROLE)
        .parallel(false)
        .compression(Compression.Gzip)
        .build(),
  ],
  [
    'Unload VENUE to files encrypted with a KMS key',
    `unload ('select * from venue')
     to 's3://mybucket/venue_encrypt_kms'
     iam_role '${DOC_ROLE}'
     kms_key_id '1234abcd-12ab-34cd-56ef-1234567890ab'
     manifest
     encrypted;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_encrypt_kms')
        .iamRole(ROLE)
        .kmsKeyId('1234abcd-12ab-34cd-56ef-1234567890ab')
        .manifest()
        .encrypted()
        .build(),
  ],
  [
    'Unload VENUE to files encrypted with a root symmetric key',
    `unload ('select * from venue')
     to 's3://mybucket/venue_encrypt_cmk'
     iam_role '${DOC_ROLE}'
     master_symmetric_key 'EXAMPLEMASTERKEYtkbjk/OpCwtYSx/M4/t7DMCDIK722'
     encrypted;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_encrypt_cmk')
        .iamRole(ROLE)
        .masterSymmetricKey('EXAMPLEMASTERKEYtkbjk/OpCwtYSx/M4/t7DMCDIK722')
        .encrypted()
        .build(),
  ],
  [
    'Unload VENUE data to a tab-delimited file',
    `unload ('select venueid, venuename, venueseats from venue')
     to 's3://mybucket/venue_tab_'
     iam_role '${DOC_ROLE}'
     delimiter as '\\t';`,
    () =>
      unload('select venueid, venuename, venueseats from venue')
        .toS3('mybucket', 'venue_tab_')
        .iamRole(ROLE)
        .delimiter('\t')
        .build(),
  ],
  [
    'Unload VENUE to a fixed-width data file',
    `unload ('select * from venue')
     to 's3://mybucket/venue_fw_'
     iam_role '${DOC_ROLE}'
     fixedwidth as 'venueid:3,venuename:39,venuecity:16,venuestate:2,venueseats:6';`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_fw_')
        .iamRole(ROLE)
        .fixedWidth('venueid:3,venuename:39,venuecity:16,venuestate:2,venueseats:6')
        .build(),
  ],
  [
    'Unload VENUE to tab-delimited GZIP-compressed files',
    `unload ('select * from venue')
     to 's3://mybucket/venue_tab_'
     iam_role '${DOC_ROLE}'
     delimiter as '\\t'
     gzip;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_tab_')
        .iamRole(ROLE)
        .delimiter('\t')
        .compression(Compression.Gzip)
        .build(),
  ],
  [
    'Unload VENUE to a GZIP-compressed text file with an extension',
    `unload ('select * from venue')
     to 's3://mybucket/venue_tab_'
     iam_role '${DOC_ROLE}'
     extension 'txt.gz'
     gzip;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_tab_')
        .iamRole(ROLE)
        .extension('txt.gz')
        .compression(Compression.Gzip)
        .build(),
  ],
  [
    'Unload data that contains a delimiter',
    `unload ('select id, location from location')
     to 's3://mybucket/location_'
     iam_role '${DOC_ROLE}'
     delimiter ',' addquotes;`,
    () =>
      unload('select id, location from location')
        .toS3('mybucket', 'location_')
        .iamRole(ROLE)
        .delimiter(',')
        .addQuotes()
        .build(),
  ],
  [
    'Unload the results of a join query',
    `unload ('select venuecity, venuestate, caldate, pricepaid,
sum(pricepaid) over(partition by venuecity, venuestate
order by caldate rows between 3 preceding and 3 following) as winsum
from sales join date on sales.dateid=date.dateid
join event on event.eventid=sales.eventid
join venue on event.venueid=venue.venueid
order by 1,2')
     to 's3://mybucket/tickit/winsum'
     iam_role '${DOC_ROLE}';`,
    () =>
      unload(`select venuecity, venuestate, caldate, pricepaid,
sum(pricepaid) over(partition by venuecity, venuestate
order by caldate rows between 3 preceding and 3 following) as winsum
from sales join date on sales.dateid=date.dateid
join event on event.eventid=sales.eventid
join venue on event.venueid=venue.venueid
order by 1,2`)
        .toS3('mybucket', 'tickit/winsum')
        .iamRole(ROLE)
        .build(),
  ],
  [
    'Unload using NULL AS',
    `unload ('select * from venue')
     to 's3://mybucket/nulls/'
     iam_role '${DOC_ROLE}'
     null as 'fred';`,
    () => unload('select * from venue').toS3('mybucket', 'nulls/').iamRole(ROLE).nullAs('fred').build(),
  ],
  [
    'Unload with ALLOWOVERWRITE',
    `unload ('select * from venue')
     to 's3://mybucket/nulls/'
     iam_role '${DOC_ROLE}' allowoverwrite;`,
    () => unload('select * from venue').toS3('mybucket', 'nulls/').iamRole(ROLE).allowOverwrite(true).build(),
  ],
  [
    'ALLOWOVERWRITE with a manifest',
    `unload ('select * from venue')
     to 's3://mybucket/venue_pipe_'
     iam_role '${DOC_ROLE}'
     manifest allowoverwrite;`,
    () =>
      unload('select * from venue')
        .toS3('mybucket', 'venue_pipe_')
        .iamRole(ROLE)
        .manifest()
        .allowOverwrite()
        .build(),
  ],
]

describe('the AWS documentation examples, built with the builders', () => {
  it.each(COPY_EXAMPLES)('COPY: %s', (_title, documented, build) => {
    expect(redshiftTokens(build().toSql())).toEqual(redshiftTokens(doc(documented)))
  })
  it.each(UNLOAD_EXAMPLES)('UNLOAD: %s', (_title, documented, build) => {
    expect(redshiftTokens(build().toSql())).toEqual(redshiftTokens(doc(documented)))
  })

  it('the comparison notices a difference', () => {
    const built = copy('listing').fromS3('mybucket', 'data/listing/').iamRole(ROLE).csv().build().toSql()
    expect(redshiftTokens(built)).not.toEqual(
      redshiftTokens(`copy listing from 's3://mybucket/data/listing/' iam_role '${ROLE}';`),
    )
  })
})
