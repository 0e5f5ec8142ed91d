import type { Problem } from '../errors/client-errors.js'
import { type Authorization, authorizationProblems, credentialsHaveMasterKey } from './authorization.js'
import { describeValue, oneOfProblem } from './builder-arguments.js'
import { COMPRESSIONS } from './compression.js'
import {
  COPY_ENCODINGS,
  COPY_KEYWORDS,
  type CopyOption,
  type CopyOptionName,
  type CopySource,
} from './copy-command.js'
import {
  columnListProblems,
  fixedWidthProblems,
  masterKeyPairingProblems,
  masterKeyProblem,
  regionProblem,
} from './option-problems.js'
import { optionValue } from './ordered-options.js'
import { bucketProblem, keyProblem, s3LocationProblems, s3UrlProblem } from './s3-location.js'
import { asciiCharProblem, literalProblem } from './sql-quote.js'
import type { TableRef } from './table-ref.js'

/** What a COPY builder holds when `build()` checks it. */
export interface CopyDraft {
  readonly table: TableRef
  readonly columns: readonly string[]
  readonly source: CopySource | undefined
  readonly authorizations: readonly Authorization[]
  readonly options: readonly CopyOption[]
  /** Arguments of the wrong kind, by method: reported by `build()` before the values' problems. */
  readonly invalid: Readonly<Record<string, string>>
}

const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/
const EMR_CLUSTER = /^j-[A-Z0-9]{1,64}$/
const MAX_INT = 2_147_483_647

// Options that describe delimited text, meaningless for self-describing formats.
const TEXT_ONLY: readonly CopyOptionName[] = [
  'delimiter',
  'fixedWidth',
  'escape',
  'removeQuotes',
  'fillRecord',
  'ignoreBlankLines',
  'nullAs',
]
// What a columnar (Parquet, ORC) COPY accepts besides FROM, authorization and MANIFEST.
const COLUMNAR_ALLOWED: readonly CopyOptionName[] = [
  'format',
  'serializeToJson',
  'acceptInvChars',
  'fillRecord',
  'statUpdate',
  'explicitIds',
]
// Not allowed when loading from DynamoDB.
const NOT_FROM_DYNAMODB: readonly CopyOptionName[] = [
  'format',
  'delimiter',
  'fixedWidth',
  'compression',
  'escape',
  'fillRecord',
  'ignoreBlankLines',
  'ignoreHeader',
  'nullAs',
  'removeQuotes',
  'acceptInvChars',
  'encrypted',
  'masterSymmetricKey',
]

function show(name: CopyOptionName): string {
  return `${COPY_KEYWORDS[name]} (${name}())`
}

function intProblem(value: unknown, min: number, max: number): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `must be a whole number from ${min} to ${max}, got ${describeValue(value)}`
}

const COPY_COMPRESSIONS = COMPRESSIONS.filter((c) => c !== 'none')
const FORMAT_KINDS = ['csv', 'json', 'avro', 'parquet', 'orc', 'shapefile']

/**
 * Every problem of a COPY at once: missing or bad source, bad names, values and authorization, and
 * option combinations Redshift refuses (by format, by source, and pairwise).
 */
export function copyProblems(draft: CopyDraft): Problem[] {
  const out: Problem[] = []
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) out.push({ field, message })
  }
  const options = draft.options
  const has = (name: CopyOptionName) => options.some((o) => o.name === name)
  const format = optionValue(options, 'format')

  out.push(...draft.table.problems('table'))
  out.push(...columnListProblems('columns', draft.columns))

  const source = draft.source
  if (source === undefined) {
    add(
      'source',
      'no source: call fromS3(bucket, prefix), fromS3Manifest(bucket, key), fromDynamoDb(table, readRatio), fromEmr(clusterId, path) or fromSsh(bucket, manifestKey)',
    )
  } else {
    switch (source.kind) {
      case 's3':
        add('fromS3.bucket', bucketProblem(source.bucket))
        add('fromS3.prefix', keyProblem(source.prefix, { allowEmpty: true }))
        break
      case 's3-manifest':
      case 'ssh':
        out.push(...s3LocationProblems(source.kind === 'ssh' ? 'fromSsh' : 'fromS3Manifest', source, false))
        break
      case 'dynamodb':
        if (typeof source.table !== 'string' || !DYNAMODB_TABLE.test(source.table)) {
          add(
            'fromDynamoDb.table',
            `${describeValue(source.table)} is not a DynamoDB table name (3 to 255 letters, digits, "_", "-" and ".")`,
          )
        }
        {
          const ratio = intProblem(source.readRatio, 1, 200)
          if (ratio !== undefined)
            add(
              'fromDynamoDb.readRatio',
              `READRATIO ${ratio} (a percentage of the table's provisioned read throughput)`,
            )
        }
        break
      case 'emr':
        if (typeof source.clusterId !== 'string' || !EMR_CLUSTER.test(source.clusterId)) {
          add('fromEmr.clusterId', `${describeValue(source.clusterId)} is not an EMR cluster id (j-XXXXXXXX)`)
        }
        add('fromEmr.path', keyProblem(source.path, { allowEmpty: false }))
        break
    }
  }

  out.push(...authorizationProblems(draft.authorizations))
  const auth = draft.authorizations[0]

  // Values.
  for (const option of options) {
    const field = option.name
    switch (option.name) {
      case 'format': {
        const f = option.value
        if (!FORMAT_KINDS.includes(f.kind)) add('format', oneOfProblem(f.kind, FORMAT_KINDS))
        if (f.kind === 'csv' && f.quote !== undefined) add('csv.quote', asciiCharProblem(f.quote))
        if (f.kind === 'json' || f.kind === 'avro') {
          const m = f.mapping
          const allowed =
            f.kind === 'json' ? ['auto', 'auto ignorecase', 'noshred'] : ['auto', 'auto ignorecase']
          if (
            !(typeof m === 'string' && allowed.includes(m)) &&
            !(typeof m === 'string' && m.startsWith('s3://'))
          ) {
            add(
              f.kind,
              `the mapping must be ${allowed.map((a) => `'${a}'`).join(', ')} or the s3:// URL of a JSONPaths file, got ${describeValue(m)}`,
            )
          } else if (typeof m === 'string' && m.startsWith('s3://')) {
            add(f.kind === 'json' ? 'jsonWithPaths' : 'avroWithPaths', s3UrlProblem(m))
          }
        }
        if (f.kind === 'shapefile' && f.simplify?.tolerance !== undefined) {
          const t = f.simplify.tolerance
          if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0))
            add('shapefile.tolerance', `must be a finite number of 0 or more, got ${describeValue(t)}`)
        }
        break
      }
      case 'delimiter':
        add(field, asciiCharProblem(option.value))
        break
      case 'acceptInvChars':
        if (option.value !== true) add(field, asciiCharProblem(option.value))
        break
      case 'fixedWidth':
        for (const problem of fixedWidthProblems(option.value)) add(field, problem)
        break
      case 'region':
        add(field, regionProblem(option.value))
        break
      case 'masterSymmetricKey':
        add(field, masterKeyProblem(option.value))
        break
      case 'dateFormat':
      case 'timeFormat':
        add(field, literalProblem(option.value))
        break
      case 'nullAs':
        add(field, literalProblem(option.value, { allowEmpty: true }))
        break
      case 'encoding':
        add(field, oneOfProblem(option.value, COPY_ENCODINGS))
        break
      case 'compression':
        add(
          field,
          oneOfProblem(option.value, COPY_COMPRESSIONS)?.concat(
            " (Compression.Gzip, ...; Compression.None or 'none' removes it)",
          ),
        )
        break
      case 'compUpdate':
        add(field, oneOfProblem(option.value, ['PRESET', 'ON', 'OFF']))
        break
      case 'statUpdate':
        add(field, oneOfProblem(option.value, ['ON', 'OFF']))
        break
      case 'ignoreHeader':
        add(field, intProblem(option.value, 0, MAX_INT))
        break
      case 'compRows':
        add(field, intProblem(option.value, 1000, MAX_INT))
        break
      case 'maxErrors':
        add(field, intProblem(option.value, 0, 100_000))
        break
      default:
        break
    }
  }

  // Combinations, by format.
  const kind = format?.kind ?? 'text'
  if (kind === 'csv') {
    for (const name of ['fixedWidth', 'removeQuotes', 'escape'] as const) {
      if (has(name)) add(name, `${show(name)} cannot be used with CSV`)
    }
  }
  if (kind === 'json' || kind === 'avro') {
    for (const name of TEXT_ONLY)
      if (has(name)) add(name, `${show(name)} cannot be used with ${kind.toUpperCase()}`)
  }
  if (kind === 'shapefile') {
    for (const name of ['fixedWidth', 'removeQuotes', 'escape'] as const) {
      if (has(name)) add(name, `${show(name)} cannot be used with SHAPEFILE`)
    }
  }
  if (kind === 'parquet' || kind === 'orc') {
    const label = kind.toUpperCase()
    for (const option of options) {
      if (!COLUMNAR_ALLOWED.includes(option.name)) {
        const why = option.name === 'maxErrors' ? ': a columnar load stops at its first error' : ''
        add(
          option.name,
          `${show(option.name)} is not supported with ${label}${why} (columnar loads accept only ACCEPTINVCHARS, FILLRECORD, STATUPDATE, EXPLICIT_IDS, MANIFEST and SERIALIZETOJSON)`,
        )
      }
    }
    if (source !== undefined && source.kind !== 's3' && source.kind !== 's3-manifest') {
      add('source', `${label} loads only from Amazon S3 (fromS3 or fromS3Manifest)`)
    }
  } else if (has('serializeToJson')) {
    add('serializeToJson', 'SERIALIZETOJSON goes only with PARQUET or ORC')
  }

  // Pairs.
  if (has('delimiter') && has('fixedWidth'))
    add('delimiter', `${show('delimiter')} cannot be used with ${show('fixedWidth')}`)
  if (has('fixedWidth') && has('escape') && kind === 'text')
    add('escape', `${show('escape')} cannot be used with ${show('fixedWidth')}`)
  if (has('ignoreAllErrors') && has('maxErrors'))
    add('ignoreAllErrors', `${show('ignoreAllErrors')} cannot be used with ${show('maxErrors')}`)
  if (has('encrypted') && !has('masterSymmetricKey') && !credentialsHaveMasterKey(auth)) {
    add(
      'encrypted',
      'ENCRYPTED (client-side encrypted files) needs the key: call masterSymmetricKey(key), or put master_symmetric_key in credentials()',
    )
  }
  if (has('masterSymmetricKey')) out.push(...masterKeyPairingProblems(has('encrypted'), draft.authorizations))

  // By source.
  if (source?.kind === 'dynamodb') {
    for (const name of NOT_FROM_DYNAMODB)
      if (has(name)) add(name, `${show(name)} cannot be used when loading from DynamoDB`)
  }
  if (source?.kind === 'emr') {
    for (const name of ['encrypted', 'region'] as const)
      if (has(name)) add(name, `${show(name)} cannot be used when loading from EMR`)
  }
  if (source?.kind === 'ssh' && has('encrypted'))
    add('encrypted', `${show('encrypted')} cannot be used when loading over SSH`)
  if ((source?.kind === 'emr' || source?.kind === 'ssh') && optionValue(options, 'compression') === 'zstd') {
    add('compression', 'ZSTD input can only be read from Amazon S3')
  }
  return out
}
