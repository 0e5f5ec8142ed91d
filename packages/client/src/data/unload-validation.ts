import type { Problem } from '../errors/client-errors.js'
import { scanSql } from '../query/sql-scan.js'
import { type Authorization, authorizationProblems, credentialsHaveMasterKey } from './authorization.js'
import { describeValue } from './builder-arguments.js'
import { isUnloadFormat } from './data-format.js'
import {
  columnListProblems,
  fixedWidthProblems,
  masterKeyPairingProblems,
  masterKeyProblem,
  regionProblem,
} from './option-problems.js'
import { optionValue } from './ordered-options.js'
import { type S3Location, s3LocationProblems } from './s3-location.js'
import { asciiCharProblem, hasUnsafeSecretChars, literalProblem } from './sql-quote.js'
import {
  UNLOAD_KEYWORDS,
  type UnloadOption,
  type UnloadOptionName,
  type UnloadSize,
} from './unload-command.js'

/** What an UNLOAD builder holds when `build()` checks it. */
export interface UnloadDraft {
  readonly query: string
  readonly destination: S3Location | undefined
  readonly authorizations: readonly Authorization[]
  readonly options: readonly UnloadOption[]
  /** Arguments of the wrong kind, by method: reported by `build()` before the values' problems. */
  readonly invalid: Readonly<Record<string, string>>
}

const MAX_FILE_MB = 6.2 * 1024

function show(name: UnloadOptionName): string {
  return `${UNLOAD_KEYWORDS[name]} (${name}())`
}

function megabytes(s: UnloadSize): number {
  return s.unit === 'GB' ? s.size * 1024 : s.size
}

/** The query with trailing semicolons and whitespace removed (a statement terminator is not part of it). */
export function trimQuery(query: string): string {
  let q = query.trimEnd()
  while (q.endsWith(';')) q = q.slice(0, -1).trimEnd()
  return q
}

/** What is wrong with the query of an UNLOAD, one message per problem. */
export function unloadQueryProblems(query: unknown): string[] {
  const base = literalProblem(query)
  if (base !== undefined) return [base]
  const q = trimQuery(query as string)
  if (q.trim() === '') return ['must not be empty']
  const out: string[] = []
  const tokens = scanSql(q)
  const first = tokens.find((t) => t.type !== 'open')
  if (first?.type !== 'word' || !['select', 'with'].includes(first.text.toLowerCase())) {
    out.push('must be a SELECT (or WITH ... SELECT) query')
  }
  let depth = 0
  for (const t of tokens) {
    if (t.type === 'open') depth++
    else if (t.type === 'close') depth--
    else if (t.type === 'semicolon') {
      out.push('must be a single statement: remove the ";" and what follows it')
      break
    } else if (t.type === 'word' && depth === 0 && t.text.toLowerCase() === 'limit') {
      out.push('UNLOAD does not allow LIMIT in the outer SELECT; nest it: SELECT * FROM (SELECT ... LIMIT n)')
    }
  }
  if (depth !== 0) out.push('has unbalanced parentheses')
  return out
}

/** Every problem of an UNLOAD at once: values, authorization, and combinations Redshift refuses. */
export function unloadProblems(draft: UnloadDraft): Problem[] {
  const out: Problem[] = []
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) out.push({ field, message })
  }
  const options = draft.options
  const has = (name: UnloadOptionName) => options.some((o) => o.name === name)
  const format = optionValue(options, 'format') ?? 'text'

  for (const p of unloadQueryProblems(draft.query)) add('query', p)
  if (draft.destination === undefined) add('destination', 'no destination: call toS3(bucket, prefix)')
  else out.push(...s3LocationProblems('toS3', draft.destination, true))
  out.push(...authorizationProblems(draft.authorizations))
  const auth = draft.authorizations[0]

  for (const option of options) {
    const field = option.name
    switch (option.name) {
      case 'format':
        if (!isUnloadFormat(option.value) || (option.value as string) === 'text') {
          add(field, `must be CSV, PARQUET or JSON, got ${describeValue(option.value)}`)
        }
        break
      case 'partitionBy': {
        const cols = option.value.columns
        if (cols.length === 0) add(field, 'needs at least one column')
        out.push(...columnListProblems('partitionBy', cols))
        break
      }
      case 'delimiter':
        add(field, asciiCharProblem(option.value))
        break
      case 'fixedWidth':
        for (const problem of fixedWidthProblems(option.value)) add(field, problem)
        break
      case 'kmsKeyId':
        if (typeof option.value !== 'string' || option.value === '' || hasUnsafeSecretChars(option.value)) {
          add(field, 'must be a KMS key id, alias or ARN without spaces, quotes or backslashes')
        }
        break
      case 'masterSymmetricKey':
        add(field, masterKeyProblem(option.value))
        break
      case 'compression':
        if (!['gzip', 'bzip2', 'zstd'].includes(option.value))
          add(field, `UNLOAD writes GZIP, BZIP2 or ZSTD, got ${describeValue(option.value)}`)
        break
      case 'nullAs':
        add(field, literalProblem(option.value, { allowEmpty: true }))
        break
      case 'maxFileSize': {
        const s = option.value
        if (!(typeof s.size === 'number' && Number.isFinite(s.size)) || !['MB', 'GB'].includes(s.unit)) {
          add(field, `must be a number of MB or GB, got ${describeValue(s.size)} ${describeValue(s.unit)}`)
        } else if (megabytes(s) < 5 || megabytes(s) > MAX_FILE_MB) {
          add(field, `must be from 5 MB to 6.2 GB, got ${String(s.size)} ${s.unit}`)
        }
        break
      }
      case 'rowGroupSize': {
        const s = option.value
        if (!(typeof s.size === 'number' && Number.isFinite(s.size)) || !['MB', 'GB'].includes(s.unit)) {
          add(field, `must be a number of MB or GB, got ${describeValue(s.size)} ${describeValue(s.unit)}`)
        } else if (megabytes(s) < 32 || megabytes(s) > 128) {
          add(field, `must be from 32 MB to 128 MB, got ${String(s.size)} ${s.unit}`)
        }
        break
      }
      case 'region':
        add(field, regionProblem(option.value))
        break
      case 'extension':
        add(field, literalProblem(option.value))
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
        if (typeof option.value === 'string' && /[/\u0000-\u001f]/.test(option.value))
          add(field, 'must not contain "/" or control characters')
        break
      default:
        break
    }
  }

  // By format.
  if (format === 'parquet') {
    for (const name of [
      'delimiter',
      'fixedWidth',
      'addQuotes',
      'escape',
      'nullAs',
      'header',
      'compression',
    ] as const) {
      if (has(name)) add(name, `${show(name)} cannot be used with PARQUET`)
    }
    if (has('masterSymmetricKey'))
      add(
        'masterSymmetricKey',
        'PARQUET files can be encrypted only with SSE-KMS (encrypted(kmsKeyId) or encryptedAuto()), not with a client-side key',
      )
    else if (optionValue(options, 'encrypted') === true && !has('kmsKeyId')) {
      add(
        'encrypted',
        'PARQUET files can be encrypted only with SSE-KMS: give the key, encrypted(kmsKeyId), or use encryptedAuto()',
      )
    }
  } else if (has('rowGroupSize')) {
    add('rowGroupSize', `${show('rowGroupSize')} goes only with PARQUET`)
  }
  if (format === 'json') {
    for (const name of ['delimiter', 'header', 'fixedWidth', 'addQuotes', 'escape', 'nullAs'] as const) {
      if (has(name)) add(name, `${show(name)} cannot be used with JSON`)
    }
  }
  if (format === 'csv') {
    for (const name of ['fixedWidth', 'addQuotes'] as const)
      if (has(name)) add(name, `${show(name)} cannot be used with CSV`)
  }

  // Pairs.
  if (format !== 'json' && format !== 'parquet') {
    if (has('fixedWidth') && has('delimiter'))
      add('fixedWidth', `${show('fixedWidth')} cannot be used with ${show('delimiter')}`)
    if (format !== 'csv' && has('fixedWidth') && has('header'))
      add('header', `${show('header')} cannot be used with ${show('fixedWidth')}`)
  }
  if (has('allowOverwrite') && has('cleanPath')) {
    add(
      'cleanPath',
      `${show('cleanPath')} cannot be used with ${show('allowOverwrite')}: CLEANPATH deletes the existing files first, ALLOWOVERWRITE overwrites them`,
    )
  }
  const encrypted = optionValue(options, 'encrypted')
  if (encrypted === 'auto') {
    if (has('kmsKeyId'))
      add('kmsKeyId', "ENCRYPTED AUTO uses the bucket's default KMS key: it cannot be used with KMS_KEY_ID")
    if (has('masterSymmetricKey'))
      add('masterSymmetricKey', 'ENCRYPTED AUTO cannot be used with MASTER_SYMMETRIC_KEY')
    if (credentialsHaveMasterKey(auth))
      add('credentials', 'ENCRYPTED AUTO cannot be used with a master_symmetric_key in CREDENTIALS')
  }
  if (has('kmsKeyId')) {
    if (encrypted === undefined)
      add('kmsKeyId', 'KMS_KEY_ID needs ENCRYPTED: use encrypted(kmsKeyId), or also call encrypted()')
    if (draft.authorizations.some((a) => a.kind === 'credentials'))
      add('kmsKeyId', 'KMS_KEY_ID cannot be used with CREDENTIALS; authorize with iamRole() or accessKeys()')
    if (has('masterSymmetricKey'))
      add(
        'masterSymmetricKey',
        'MASTER_SYMMETRIC_KEY cannot be used with KMS_KEY_ID: choose server-side (KMS) or client-side encryption',
      )
  }
  if (has('masterSymmetricKey')) {
    out.push(...masterKeyPairingProblems(encrypted !== undefined, draft.authorizations))
  }
  return out
}
