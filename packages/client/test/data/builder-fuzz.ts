/**
 * Test helper: every method of the COPY and UNLOAD builders called with adversarial arguments of
 * every kind (hostile strings, bigints, null, objects, arrays, symbols, functions, objects whose
 * `toString` throws), in random sequences. The property: `build()` either returns a command whose SQL
 * is exactly one statement under both readings of backslashes, or throws a `ValidationError` whose
 * problems name a method that was called; nothing else is ever thrown. `npm test` runs it briefly
 * (builder-fuzz.test.ts); the fault suite runs it for 100,000+ inputs.
 */

import { isSignificant, splitStatements, tokenize } from '@redshift-kit/dialect'
import fc from 'fast-check'
import { ValidationError } from '../../src/errors/client-errors.js'
import { CopyCommandBuilder, TableRef, UnloadCommandBuilder } from '../../src/index.js'
import { scanStatement } from './sql-tokens.js'

const ARN = 'arn:aws:iam::123456789012:role/RedshiftCopyRole'

/** Strings written to break out of quotes or to smuggle a second statement. */
export const hostileString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "'",
        "''",
        '"',
        '\\',
        "\\'",
        ';',
        '--',
        '/*',
        '*/',
        '$$',
        '$a$',
        '\n',
        ' ',
        "E'",
        "U&'",
        'OFF; create table pwned (x int)',
        'gzip; drop table t',
        "'; drop table t; --",
        'ON',
        'gzip',
        'a:1',
        ARN,
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''))

const throwingObject = {
  toString(): string {
    throw new Error('toString must not be called')
  },
  valueOf(): number {
    throw new Error('valueOf must not be called')
  },
}

/** Values of every kind but string. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.bigInt(),
  fc.constant(null),
  fc.constant(undefined),
  fc.double(),
  fc.integer({ min: -5, max: 2_000_000 }),
  fc.boolean(),
  fc.object({ maxDepth: 1 }),
  fc.array(fc.oneof(fc.string(), fc.bigInt(), fc.constant(null)), { maxLength: 3 }),
  fc.constant(Symbol('x')),
  fc.constant(() => 'f'),
  fc.constant(throwingObject),
  fc.constant(Object.create(null) as unknown),
  fc.constant(new Date(0)),
)

const anything: fc.Arbitrary<unknown> = fc.oneof(hostileString, weirdValue)

const bucket = fc.constantFrom('data-bucket', 'b-1', 'my.bucket.x')
const key = fc.constantFrom('events/', 'a/b.csv', '', 'x')
const ident = fc.constantFrom('id', 'Name', 'a b', 'select', 'x"y')
const bool = fc.boolean()
const char = fc.constantFrom('|', ',', '\t', "'", '\\', ';', '"')

/** One builder method: its name, sample good argument lists, and the problem fields that name it. */
interface MethodSpec {
  readonly name: string
  readonly good: readonly fc.Arbitrary<unknown>[]
  readonly fields?: readonly string[]
}

const noArgs = (name: string, fields?: readonly string[]): MethodSpec =>
  fields === undefined ? { name, good: [] } : { name, good: [], fields }
const flag = (name: string): MethodSpec => ({ name, good: [bool] })

/** Every public method of CopyCommandBuilder but build() and toString(). */
export const COPY_METHODS: readonly MethodSpec[] = [
  { name: 'columns', good: [fc.uniqueArray(ident, { maxLength: 3 })] },
  { name: 'fromS3', good: [bucket, key], fields: ['source'] },
  { name: 'fromS3Url', good: [fc.constantFrom('s3://data-bucket/x/', 's3://b-1/')], fields: ['source'] },
  { name: 'fromS3Manifest', good: [bucket, key], fields: ['source'] },
  {
    name: 'fromDynamoDb',
    good: [fc.constantFrom('Orders', 'my_table'), fc.integer({ min: 1, max: 200 })],
    fields: ['source'],
  },
  { name: 'fromEmr', good: [fc.constantFrom('j-ABC123'), key], fields: ['source'] },
  { name: 'fromSsh', good: [bucket, key], fields: ['source'] },
  {
    name: 'format',
    good: [fc.constantFrom('text', 'csv', 'json', 'avro', 'parquet', 'orc', 'shapefile')],
    fields: ['source', 'csv', 'json', 'avro', 'shapefile'],
  },
  noArgs('text'),
  {
    name: 'csv',
    good: [fc.constantFrom({}, { quote: '"' }, { quote: "'" })],
    fields: ['csv.quote', 'format'],
  },
  {
    name: 'csvWithOptions',
    good: [char, char, bool],
    fields: ['csv', 'csv.quote', 'delimiter', 'ignoreHeader', 'format'],
  },
  { name: 'json', good: [fc.constantFrom('auto', 'auto ignorecase', 'noshred')], fields: ['format'] },
  {
    name: 'jsonWithPaths',
    good: [fc.constantFrom('s3://data-bucket/paths.json')],
    fields: ['json', 'format'],
  },
  { name: 'avro', good: [fc.constantFrom('auto', 'auto ignorecase')], fields: ['format'] },
  {
    name: 'avroWithPaths',
    good: [fc.constantFrom('s3://data-bucket/paths.json')],
    fields: ['avro', 'format'],
  },
  noArgs('parquet', ['source', 'format']),
  noArgs('orc', ['source', 'format']),
  {
    name: 'shapefile',
    good: [fc.constantFrom({}, { simplify: { auto: true } }, { simplify: { tolerance: 0.5 } })],
    fields: ['format'],
  },
  flag('serializeToJson'),
  { name: 'delimiter', good: [char] },
  {
    name: 'fixedWidth',
    good: [fc.constantFrom('a:1,b:2', { id: 3, name: 25 }, [['id', 3]] as const)],
  },
  { name: 'compression', good: [fc.constantFrom('none', 'gzip', 'bzip2', 'lzop', 'zstd')] },
  { name: 'region', good: [fc.constantFrom('us-east-1', 'eu-west-2')] },
  flag('encrypted'),
  { name: 'masterSymmetricKey', good: [fc.constantFrom('c2VjcmV0LWtleQ==')] },
  flag('acceptAnyDate'),
  { name: 'acceptInvChars', good: [fc.constantFrom(true, false, '?', '^')] },
  flag('blanksAsNull'),
  { name: 'dateFormat', good: [fc.constantFrom('auto', 'YYYY-MM-DD')] },
  { name: 'timeFormat', good: [fc.constantFrom('auto', 'epochsecs')] },
  flag('emptyAsNull'),
  { name: 'encoding', good: [fc.constantFrom('UTF8', 'UTF16LE')] },
  flag('escape'),
  flag('explicitIds'),
  flag('fillRecord'),
  flag('ignoreBlankLines'),
  { name: 'ignoreHeader', good: [fc.integer({ min: 0, max: 5 })] },
  { name: 'nullAs', good: [fc.constantFrom('\\N', '', 'NULL')] },
  flag('removeQuotes'),
  flag('roundEc'),
  flag('trimBlanks'),
  flag('truncateColumns'),
  { name: 'compRows', good: [fc.integer({ min: 1000, max: 100_000 })] },
  { name: 'compUpdate', good: [fc.constantFrom('PRESET', 'ON', 'OFF', true, false)] },
  { name: 'maxErrors', good: [fc.integer({ min: 0, max: 100 })] },
  flag('ignoreAllErrors'),
  flag('noLoad'),
  { name: 'statUpdate', good: [bool] },
  { name: 'iamRole', good: [fc.constantFrom(ARN, 'default', [ARN])], fields: ['authorization'] },
  {
    name: 'accessKeys',
    good: [
      fc.constantFrom({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' }),
    ],
    fields: ['authorization'],
  },
  {
    name: 'credentials',
    good: [fc.constantFrom(`aws_iam_role=${ARN}`)],
    fields: ['authorization', 'masterSymmetricKey', 'kmsKeyId'],
  },
]

/** Every public method of UnloadCommandBuilder but build(). */
export const UNLOAD_METHODS: readonly MethodSpec[] = [
  { name: 'toS3', good: [bucket, key] },
  { name: 'toS3Url', good: [fc.constantFrom('s3://data-bucket/out/', 's3://b-1/')], fields: ['toS3'] },
  { name: 'format', good: [fc.constantFrom('text', 'csv', 'parquet', 'json')] },
  noArgs('text'),
  noArgs('csv', ['format']),
  noArgs('csvWithHeader', ['format', 'header']),
  noArgs('parquet', ['format']),
  noArgs('parquetSnappy', ['format']),
  noArgs('json', ['format']),
  flag('header'),
  { name: 'delimiter', good: [char] },
  { name: 'fixedWidth', good: [fc.constantFrom('a:1,b:2', { id: 3 })] },
  flag('addQuotes'),
  { name: 'nullAs', good: [fc.constantFrom('', 'NULL')] },
  flag('escape'),
  { name: 'compression', good: [fc.constantFrom('none', 'gzip', 'bzip2', 'zstd')] },
  {
    name: 'partitionBy',
    good: [fc.uniqueArray(ident, { minLength: 1, maxLength: 2 }), fc.constantFrom({}, { include: true })],
  },
  flag('manifest'),
  { name: 'manifestVerbose', good: [bool], fields: ['manifest'] },
  { name: 'parallel', good: [bool] },
  { name: 'maxFileSizeMb', good: [fc.integer({ min: 5, max: 6000 })], fields: ['maxFileSize'] },
  { name: 'maxFileSize', good: [fc.integer({ min: 5, max: 100 }), fc.constantFrom('MB', 'GB')] },
  { name: 'rowGroupSizeMb', good: [fc.integer({ min: 32, max: 128 })], fields: ['rowGroupSize'] },
  flag('allowOverwrite'),
  flag('cleanPath'),
  { name: 'extension', good: [fc.constantFrom('csv', '.gz')] },
  { name: 'region', good: [fc.constantFrom('us-east-1')] },
  { name: 'encrypted', good: [fc.constantFrom(true, false, 'alias/my-key')], fields: ['kmsKeyId'] },
  { name: 'kmsKeyId', good: [fc.constantFrom('alias/my-key')] },
  noArgs('encryptedAuto', ['encrypted']),
  { name: 'masterSymmetricKey', good: [fc.constantFrom('c2VjcmV0LWtleQ==')] },
  { name: 'iamRole', good: [fc.constantFrom(ARN, 'default')], fields: ['authorization'] },
  {
    name: 'accessKeys',
    good: [
      fc.constantFrom({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' }),
    ],
    fields: ['authorization'],
  },
  {
    name: 'credentials',
    good: [fc.constantFrom(`aws_iam_role=${ARN}`)],
    fields: ['authorization', 'masterSymmetricKey', 'kmsKeyId', 'encrypted'],
  },
]

/** One call: the method and its arguments (each good, hostile or of the wrong kind). */
export interface Call {
  readonly spec: MethodSpec
  readonly args: readonly unknown[]
}

function callOf(specs: readonly MethodSpec[]): fc.Arbitrary<Call> {
  return fc.constantFrom(...specs).chain((spec) => {
    // Methods with no parameters still get junk arguments: they must ignore them.
    const positions = spec.good.length === 0 ? [anything] : spec.good
    return fc
      .tuple(...positions.map((good) => fc.oneof({ weight: 3, arbitrary: good }, anything)))
      .map((args) => ({ spec, args }))
  })
}

/** Sequences of one to three calls on a builder. */
export const copyCalls: fc.Arbitrary<readonly Call[]> = fc.array(callOf(COPY_METHODS), {
  minLength: 1,
  maxLength: 3,
})
export const unloadCalls: fc.Arbitrary<readonly Call[]> = fc.array(callOf(UNLOAD_METHODS), {
  minLength: 1,
  maxLength: 3,
})

/** The public methods a builder class has (its prototype's functions but the constructor). */
export function methodNames(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter(
    (n) =>
      n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(cls.prototype, n)?.value === 'function',
  )
}

/** What one case came to. */
export type Outcome = 'built' | 'refused'

function apply<B>(builder: B, calls: readonly Call[]): B {
  let b = builder
  for (const call of calls) {
    const method = (b as unknown as Record<string, (...args: unknown[]) => B>)[call.spec.name]
    if (method === undefined) throw new Error(`no method ${call.spec.name}`)
    b = method.apply(b, [...call.args])
  }
  return b
}

function namesACall(field: string, calls: readonly Call[]): boolean {
  return calls.some(
    (c) =>
      field === c.spec.name ||
      field.startsWith(`${c.spec.name}.`) ||
      field.startsWith(`${c.spec.name}[`) ||
      (c.spec.fields ?? []).some((f) => field === f || field.startsWith(`${f}.`)),
  )
}

/** Throws (a plain Error with the details) unless `sql` is one statement starting with `keyword`. */
export function assertOneStatement(sql: string, keyword: string): void {
  const statements = splitStatements(sql)
  if (statements.length !== 1) throw new Error(`${statements.length} statements in ${JSON.stringify(sql)}`)
  const tokens = tokenize(sql)
  if (tokens.some((t) => t.unterminated === true)) throw new Error(`unterminated token in ${sql}`)
  if (tokens.some((t) => t.kind === 'comment')) throw new Error(`a comment in ${sql}`)
  if (tokens.find(isSignificant)?.value !== keyword) throw new Error(`does not start with ${keyword}: ${sql}`)
  for (const backslashEscapes of [true, false]) {
    const scan = scanStatement(sql, backslashEscapes)
    if (scan.unterminated || scan.semicolons > 0) {
      throw new Error(`breaks out of its quotes (backslash escapes: ${backslashEscapes}): ${sql}`)
    }
  }
}

function check<C extends { toSql(): string; toString(): string }>(
  build: () => C,
  calls: readonly Call[],
  keyword: string,
): Outcome {
  let command: C
  try {
    command = build()
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    if (e.problems.length === 0) throw new Error(`a ValidationError without problems: ${e.message}`)
    // The base builder is valid, so every problem comes from a call, and must name it.
    const unnamed = e.problems.filter((p) => !namesACall(p.field, calls))
    if (unnamed.length > 0) {
      throw new Error(
        `a problem names no method called (${calls.map((c) => c.spec.name).join(', ')}): ${e.message}`,
      )
    }
    if (/TypeError|is not a function|Cannot read prop|Do not know how to serialize/.test(e.message)) {
      throw new Error(`a raw error inside a ValidationError: ${e.message}`)
    }
    return 'refused'
  }
  assertOneStatement(command.toSql(), keyword)
  assertOneStatement(command.toString(), keyword)
  JSON.stringify(command)
  return 'built'
}

/** One COPY case: a valid builder, then `calls`, then build(). */
export function checkCopy(calls: readonly Call[]): Outcome {
  return check(
    () => apply(new CopyCommandBuilder('t').fromS3('data-bucket', 'in/').iamRole(ARN), calls).build(),
    calls,
    'copy',
  )
}

/** One UNLOAD case: a valid builder, then `calls`, then build(). */
export function checkUnload(calls: readonly Call[]): Outcome {
  return check(
    () => apply(new UnloadCommandBuilder('SELECT 1').toS3('data-bucket', 'out/').iamRole(ARN), calls).build(),
    calls,
    'unload',
  )
}

/** Anything as a constructor argument: a builder, or a ValidationError naming the table or query. */
export const constructorArgument: fc.Arbitrary<unknown> = anything

/** One constructor case: `new CopyCommandBuilder(x)`, `new TableRef(x, y)`, `new UnloadCommandBuilder(x)`. */
export function checkConstructors(x: unknown, y: unknown): Outcome {
  const attempts: (() => { toSql(): string; toString(): string })[] = [
    () => new CopyCommandBuilder(x as string).fromS3('data-bucket', '').iamRole(ARN).build(),
    () => new CopyCommandBuilder(new TableRef(x as string, y as string)).fromS3('data-bucket', '').build(),
  ]
  let built = 0
  for (const attempt of attempts) {
    if (
      check(attempt, [{ spec: { name: 'table', good: [], fields: ['TableRef'] }, args: [x] }], 'copy') ===
      'built'
    )
      built++
  }
  const unload = check(
    () => new UnloadCommandBuilder(x as string).toS3('data-bucket', '').iamRole(ARN).build(),
    [{ spec: { name: 'query', good: [] }, args: [x] }],
    'unload',
  )
  return built > 0 || unload === 'built' ? 'built' : 'refused'
}

/** Identifiers: any text as a table name is quoted so that it parses back to itself. */
export function checkIdentifier(schema: string | undefined, name: string): Outcome {
  let ref: TableRef
  try {
    ref = schema === undefined ? new TableRef(name) : new TableRef(schema, name)
  } catch (e) {
    if (e instanceof ValidationError) return 'refused'
    throw e
  }
  if (ref.problems().length > 0) return 'refused'
  const sql = `COPY ${ref.toSql()} FROM 's3://b-1/'`
  assertOneStatement(sql, 'copy')
  const back = TableRef.parse(ref.toSql())
  if (back.schema !== ref.schema || back.name !== ref.name) {
    throw new Error(
      `${JSON.stringify([schema, name])} came back as ${JSON.stringify([back.schema, back.name])}`,
    )
  }
  return 'built'
}
