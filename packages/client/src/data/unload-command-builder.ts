import { type Problem, ValidationError } from '../errors/client-errors.js'
import { type AccessKeys, type Authorization, iamRoleAuthorization } from './authorization.js'
import { booleanProblem, isRecord, mustBe } from './builder-arguments.js'
import type { Compression } from './compression.js'
import { type FixedWidthSpec, fixedWidthText } from './copy-command-builder.js'
import type { UnloadFormat } from './data-format.js'
import { withOption, withoutOption } from './ordered-options.js'
import { parseS3Url } from './s3-location.js'
import { UnloadCommand, type UnloadOption, type UnloadOptionName, type UnloadSize } from './unload-command.js'
import { trimQuery, type UnloadDraft, unloadProblems } from './unload-validation.js'

/**
 * Builds an {@link UnloadCommand}: a query, an S3 destination, a format, authorization and options,
 * covering Redshift's whole UNLOAD grammar. Immutable: every method returns a new builder. Methods
 * never throw; `build()` checks everything at once and throws one `ValidationError` listing every
 * problem under the name of the method that set it (an argument of the wrong kind included). The query is written as one quoted literal, so nothing in it can end the statement.
 * Without `iamRole()` / `accessKeys()` / `credentials()`, the client uses its configured
 * `defaultUnloadIamRole`.
 *
 * @example
 * const unload = new UnloadCommandBuilder("SELECT region, SUM(revenue) FROM sales WHERE status = 'paid' GROUP BY region")
 *   .toS3('reports-bucket', 'monthly/2024/01/')
 *   .parquetSnappy()
 *   .iamRole('arn:aws:iam::123456789012:role/RedshiftUnloadRole')
 *   .partitionBy(['region']).manifest(true).maxFileSizeMb(256)
 *   .build()
 * unload.toSql()
 * // UNLOAD ('SELECT region, SUM(revenue) FROM sales WHERE status = ''paid'' GROUP BY region')
 * //   TO 's3://reports-bucket/monthly/2024/01/' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftUnloadRole'
 * //   FORMAT AS PARQUET PARTITION BY (region) MANIFEST MAXFILESIZE 256 MB
 */
export class UnloadCommandBuilder {
  #draft: UnloadDraft

  /** A builder unloading the rows of `query` (one SELECT; a trailing `;` is dropped). */
  constructor(query: string) {
    this.#draft = Object.freeze({
      query: typeof query === 'string' ? trimQuery(query) : query,
      destination: undefined,
      authorizations: Object.freeze([]),
      options: Object.freeze([]),
      invalid: Object.freeze({}),
    })
  }

  /** Writes files whose keys start with `prefix` in `bucket`. */
  toS3(bucket: string, prefix = ''): UnloadCommandBuilder {
    return this.#valid('toS3Url').#with({ destination: Object.freeze({ bucket, key: prefix }) })
  }

  /** {@link toS3} from one `s3://bucket/prefix` URL. */
  toS3Url(url: string): UnloadCommandBuilder {
    const location = typeof url === 'string' ? parseS3Url(url) : undefined
    if (location === undefined) return this.#invalid('toS3Url', mustBe('an s3://bucket/prefix URL', url))
    return this.toS3(location.bucket, location.key)
  }

  // ---- format ----

  /** Sets the output format. */
  format(format: UnloadFormat): UnloadCommandBuilder {
    return format === 'text' ? this.text() : this.#set('format', format)
  }

  /** Delimited text, the default (pipe-delimited unless `delimiter()` says otherwise). */
  text(): UnloadCommandBuilder {
    return this.#without('format')
  }

  /** CSV (comma-delimited, fields quoted when needed). */
  csv(): UnloadCommandBuilder {
    return this.#set('format', 'csv')
  }

  /** CSV with a header line of column names. */
  csvWithHeader(): UnloadCommandBuilder {
    return this.csv().header(true)
  }

  /** Apache Parquet (always Snappy-compressed per row group). */
  parquet(): UnloadCommandBuilder {
    return this.#set('format', 'parquet')
  }

  /** The same as {@link parquet}: Redshift writes Parquet with Snappy compression. */
  parquetSnappy(): UnloadCommandBuilder {
    return this.parquet()
  }

  /** JSON, one object per line. */
  json(): UnloadCommandBuilder {
    return this.#set('format', 'json')
  }

  /** A header line of column names in each file. */
  header(on = true): UnloadCommandBuilder {
    return this.#flag('header', on)
  }

  /** The field delimiter: one ASCII character. */
  delimiter(char: string): UnloadCommandBuilder {
    return this.#set('delimiter', char)
  }

  /** Fixed-width columns: `'id:3,name:25'`, `{ id: 3, name: 25 }` or `[['id', 3], ['name', 25]]`. */
  fixedWidth(spec: FixedWidthSpec): UnloadCommandBuilder {
    const text = fixedWidthText(spec)
    if ('problem' in text) return this.#invalid('fixedWidth', text.problem)
    return this.#set('fixedWidth', text.text)
  }

  /** Quotes every field (`ADDQUOTES`). */
  addQuotes(on = true): UnloadCommandBuilder {
    return this.#flag('addQuotes', on)
  }

  /** The text written for NULL. */
  nullAs(marker: string): UnloadCommandBuilder {
    return this.#set('nullAs', marker)
  }

  /** Escapes delimiters, line breaks, quotes and backslashes in text fields. */
  escape(on = true): UnloadCommandBuilder {
    return this.#flag('escape', on)
  }

  /** Output compression (`Compression.None` removes it; UNLOAD writes GZIP, BZIP2 and ZSTD). */
  compression(compression: Compression): UnloadCommandBuilder {
    if (compression === 'none') return this.#without('compression')
    return this.#set('compression', compression)
  }

  // ---- layout ----

  /** Hive-style partition folders (`col=value/`); `include` keeps the columns in the files too. */
  partitionBy(
    columns: readonly string[],
    options: { readonly include?: boolean } = {},
  ): UnloadCommandBuilder {
    if (!Array.isArray(columns))
      return this.#invalid('partitionBy', mustBe('an array of column names', columns))
    if (!isRecord(options) || (options.include !== undefined && typeof options.include !== 'boolean')) {
      return this.#invalid('partitionBy', `options ${mustBe('{ include?: boolean }', options)}`)
    }
    return this.#set(
      'partitionBy',
      Object.freeze({ columns: Object.freeze([...columns]), include: options.include === true }),
    )
  }

  /** Writes a manifest listing the files (`<prefix>manifest`). */
  manifest(on = true): UnloadCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid('manifest', bad)
    return on ? this.#set('manifest', 'plain') : this.#without('manifest')
  }

  /** Writes a manifest with row counts, sizes and the schema (`MANIFEST VERBOSE`). */
  manifestVerbose(on = true): UnloadCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid('manifestVerbose', bad)
    return on ? this.#set('manifest', 'verbose') : this.#without('manifest')
  }

  /** One or more files per slice (`true`, the default), or serially in sort order (`false`). */
  parallel(on: boolean): UnloadCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid('parallel', bad)
    return this.#set('parallel', on ? 'ON' : 'OFF')
  }

  /** The largest file, in megabytes (5 to 6348.8; default 6.2 GB). */
  maxFileSizeMb(megabytes: number): UnloadCommandBuilder {
    return this.maxFileSize(megabytes, 'MB')
  }

  /** The largest file, in MB or GB (5 MB to 6.2 GB). */
  maxFileSize(size: number, unit: UnloadSize['unit'] = 'MB'): UnloadCommandBuilder {
    return this.#set('maxFileSize', Object.freeze({ size, unit }))
  }

  /** Parquet row group size, in megabytes (32 to 128). */
  rowGroupSizeMb(megabytes: number): UnloadCommandBuilder {
    return this.#set('rowGroupSize', Object.freeze({ size: megabytes, unit: 'MB' as const }))
  }

  /** Overwrites existing files instead of failing (not with `cleanPath`). */
  allowOverwrite(on = true): UnloadCommandBuilder {
    return this.#flag('allowOverwrite', on)
  }

  /** Deletes the existing files under the prefix first (not with `allowOverwrite`). */
  cleanPath(on = true): UnloadCommandBuilder {
    return this.#flag('cleanPath', on)
  }

  /** An extension appended to every file name (include `.gz` yourself when compressing). */
  extension(extension: string): UnloadCommandBuilder {
    return this.#set('extension', extension)
  }

  /** The bucket's AWS region, when not the cluster's. */
  region(region: string): UnloadCommandBuilder {
    return this.#set('region', region)
  }

  // ---- encryption ----

  /**
   * Encrypts the files: `encrypted('key-id')` with that KMS key (SSE-KMS); `encrypted()` with the key
   * of `kmsKeyId()`, of `masterSymmetricKey()` or of the credentials (client-side); `encrypted(false)`
   * not at all.
   */
  encrypted(kmsKeyId: string | boolean = true): UnloadCommandBuilder {
    if (typeof kmsKeyId !== 'string' && typeof kmsKeyId !== 'boolean') {
      return this.#invalid('encrypted', mustBe('true, false or a KMS key id', kmsKeyId))
    }
    if (kmsKeyId === false) return this.#without('encrypted').#without('kmsKeyId')
    const b = this.#set('encrypted', true)
    return kmsKeyId === true ? b : b.#set('kmsKeyId', kmsKeyId)
  }

  /** The KMS key of SSE-KMS encryption (`KMS_KEY_ID`); needs `encrypted()` as well. */
  kmsKeyId(kmsKeyId: string): UnloadCommandBuilder {
    return this.#set('kmsKeyId', kmsKeyId)
  }

  /** Encrypts with the bucket's default KMS key, else SSE-S3 (`ENCRYPTED AUTO`). */
  encryptedAuto(): UnloadCommandBuilder {
    return this.#set('encrypted', 'auto').#without('kmsKeyId')
  }

  /** The client-side encryption key (a secret: redacted everywhere but `toSql()`). */
  masterSymmetricKey(key: string): UnloadCommandBuilder {
    return this.#set('masterSymmetricKey', key)
  }

  // ---- authorization ----

  /** Authorizes with an IAM role: `'default'`, one ARN, or a chain (an array, or ARNs separated by commas). */
  iamRole(roles: string | readonly string[]): UnloadCommandBuilder {
    if (typeof roles !== 'string' && !Array.isArray(roles)) {
      return this.#invalid('iamRole', mustBe("'default', a role ARN, or an array of role ARNs", roles))
    }
    return this.#valid('iamRole').#auth(iamRoleAuthorization(roles))
  }

  /** Authorizes with an access key pair and optional session token (secrets). */
  accessKeys(keys: AccessKeys): UnloadCommandBuilder {
    if (!isRecord(keys)) {
      return this.#invalid('accessKeys', mustBe('{ accessKeyId, secretAccessKey, sessionToken? }', keys))
    }
    return this.#valid('accessKeys').#auth({
      kind: 'access-keys',
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    })
  }

  /** Authorizes with a `CREDENTIALS` string (a secret). */
  credentials(credentials: string): UnloadCommandBuilder {
    return this.#auth({ kind: 'credentials', credentials })
  }

  /** Checks everything and returns the command; throws one `ValidationError` listing every problem. */
  build(): UnloadCommand {
    const invalid: Problem[] = Object.entries(this.#draft.invalid).map(([field, message]) => ({
      field,
      message,
    }))
    const problems = [...invalid, ...unloadProblems(this.#draft)]
    const { destination, authorizations } = this.#draft
    if (problems.length > 0 || destination === undefined) {
      throw new ValidationError('invalid UNLOAD command', { problems })
    }
    const auth = authorizations[0]
    return new UnloadCommand({
      query: this.#draft.query,
      destination,
      ...(auth === undefined ? {} : { authorization: auth }),
      options: this.#draft.options,
    })
  }

  #with(change: Partial<UnloadDraft>): UnloadCommandBuilder {
    const next = new UnloadCommandBuilder(this.#draft.query)
    next.#draft = Object.freeze({ ...this.#draft, ...change })
    return next
  }

  // Values of the declared type are stored as given, and build() checks them against their grammar.
  #set<K extends UnloadOptionName>(
    name: K,
    value: Extract<UnloadOption, { name: K }>['value'],
  ): UnloadCommandBuilder {
    return this.#valid(name).#with({
      options: withOption(this.#draft.options, { name, value } as UnloadOption),
    })
  }

  #flag(name: UnloadOptionName, on: boolean): UnloadCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid(name, bad)
    return on
      ? this.#valid(name).#with({
          options: withOption(this.#draft.options, { name, value: true } as UnloadOption),
        })
      : this.#without(name)
  }

  #without(name: UnloadOptionName): UnloadCommandBuilder {
    return this.#valid(name).#with({ options: withoutOption(this.#draft.options, name) })
  }

  // An argument of the wrong kind (a bigint, null, an object, ...) is kept as a problem of build(),
  // under the method's name, until the method is called again with a good one.
  #invalid(method: string, message: string): UnloadCommandBuilder {
    return this.#with({ invalid: Object.freeze({ ...this.#draft.invalid, [method]: message }) })
  }

  #valid(method: string): UnloadCommandBuilder {
    if (!Object.hasOwn(this.#draft.invalid, method)) return this
    const { [method]: _dropped, ...rest } = this.#draft.invalid
    return this.#with({ invalid: Object.freeze(rest) })
  }

  #auth(auth: Authorization): UnloadCommandBuilder {
    const others = this.#draft.authorizations.filter((a) => a.kind !== auth.kind)
    return this.#with({ authorizations: Object.freeze([...others, Object.freeze(auth)]) })
  }
}
