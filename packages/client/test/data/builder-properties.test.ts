import { isSignificant, stringValue, tokenize } from '@redshift-kit/dialect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors/client-errors.js'
import { CopyCommandBuilder, TableRef, UnloadCommandBuilder } from '../../src/index.js'
import { scanStatement } from './sql-tokens.js'

// Text built to break quoting: quotes, backslashes, semicolons, comment and dollar-quote starts,
// line breaks, and arbitrary code points around them.
const hostile = fc
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
        'DROP TABLE t',
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join('').replaceAll('\u0000', ''))

const name = hostile.filter((s) => s !== '' && Buffer.byteLength(s) <= 127)
const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/)
// biome-ignore lint/suspicious/noControlCharactersInRegex: prefixes without control characters are what S3 keys are
const prefix = hostile.filter((s) => !s.startsWith('/') && !/[\u0000-\u001f\u007f]/.test(s))
const roleArn = fc.stringMatching(/^[\w+=,.@-]{1,30}$/).map((n) => `arn:aws:iam::123456789012:role/${n}`)

/** Checks that `sql` is one statement under both readings of backslashes, and returns its literals as Redshift reads them. */
function assertOneStatement(sql: string, keyword: string): string[] {
  // The local Redshift's own lexer (standard strings: a backslash is an ordinary character).
  const tokens = tokenize(sql).filter(isSignificant)
  expect(tokens.some((t) => t.unterminated === true)).toBe(false)
  expect(tokens.filter((t) => t.kind === 'punct' && t.text === ';')).toEqual([])
  expect(tokens.some((t) => t.kind === 'comment')).toBe(false)
  expect(tokens[0]?.value).toBe(keyword)
  for (const t of tokens) if (t.kind === 'string') expect(stringValue(t)).not.toBeNull()
  // Redshift's reading (a backslash escapes the next character).
  const redshift = scanStatement(sql, true)
  expect(redshift.unterminated).toBe(false)
  expect(redshift.semicolons).toBe(0)
  const standard = scanStatement(sql, false)
  expect(standard.unterminated).toBe(false)
  expect(standard.semicolons).toBe(0)
  return redshift.literals
}

function buildOrNull<T>(build: () => T): T | null {
  try {
    return build()
  } catch (e) {
    if (e instanceof ValidationError) return null
    throw e
  }
}

describe('builder properties: no input escapes its quotes', () => {
  it('COPY: random names, prefixes, roles and option values give one statement with the values intact', () => {
    let built = 0
    fc.assert(
      fc.property(
        fc.record({
          schema: fc.option(name, { nil: undefined }),
          table: name,
          columns: fc.uniqueArray(name, { maxLength: 3, selector: (c) => c.toLowerCase() }),
          bucket,
          prefix,
          role: roleArn,
          nullAs: fc.option(hostile, { nil: undefined }),
          dateFormat: fc.option(
            hostile.filter((s) => s !== ''),
            { nil: undefined },
          ),
          acceptInv: fc.option(fc.constantFrom('?', "'", '\\', '"', ';'), { nil: undefined }),
          delimiter: fc.option(fc.constantFrom('|', "'", '\\', ';', '\t', '"'), { nil: undefined }),
        }),
        (input) => {
          let b = new CopyCommandBuilder(
            input.schema === undefined ? new TableRef(input.table) : new TableRef(input.schema, input.table),
          )
            .columns(input.columns)
            .fromS3(input.bucket, input.prefix)
            .iamRole(input.role)
          if (input.nullAs !== undefined) b = b.nullAs(input.nullAs)
          if (input.dateFormat !== undefined) b = b.dateFormat(input.dateFormat)
          if (input.acceptInv !== undefined) b = b.acceptInvChars(input.acceptInv)
          if (input.delimiter !== undefined) b = b.delimiter(input.delimiter)
          const cmd = buildOrNull(() => b.build())
          if (cmd === null) return
          built++
          const literals = assertOneStatement(cmd.toSql(), 'copy')
          expect(literals[0]).toBe(`s3://${input.bucket}/${input.prefix}`)
          expect(literals[1]).toBe(input.role)
          const expected = [input.nullAs, input.dateFormat, input.acceptInv, input.delimiter].filter(
            (v) => v !== undefined,
          )
          expect(literals.slice(2).sort()).toEqual([...expected].sort())
          // Names come back exactly, quoted or not.
          const idents = tokenize(cmd.toSql())
            .filter((t) => t.kind === 'quotedIdent' || t.kind === 'word')
            .map((t) => t.value)
          for (const n of [input.table, input.schema, ...input.columns]) {
            if (n !== undefined) expect(idents).toContain(n)
          }
        },
      ),
      { numRuns: 400 },
    )
    expect(built).toBeGreaterThan(100)
  })

  it('UNLOAD: random queries, prefixes, partition columns and values give one statement with the query intact', () => {
    let built = 0
    fc.assert(
      fc.property(
        fc.record({
          query: hostile.map((s) => `SELECT ${s}`),
          bucket,
          prefix,
          role: roleArn,
          partition: fc.uniqueArray(name, { maxLength: 2, selector: (c) => c.toLowerCase() }),
          nullAs: fc.option(hostile, { nil: undefined }),
          extension: fc.option(
            // biome-ignore lint/suspicious/noControlCharactersInRegex: extensions without control characters
            hostile.filter((s) => s !== '' && !/[/\u0000-\u001f]/.test(s)),
            { nil: undefined },
          ),
        }),
        (input) => {
          let b = new UnloadCommandBuilder(input.query).toS3(input.bucket, input.prefix).iamRole(input.role)
          if (input.partition.length > 0) b = b.partitionBy(input.partition)
          if (input.nullAs !== undefined) b = b.nullAs(input.nullAs)
          if (input.extension !== undefined) b = b.extension(input.extension)
          const cmd = buildOrNull(() => b.build())
          if (cmd === null) return
          built++
          const literals = assertOneStatement(cmd.toSql(), 'unload')
          expect(literals[0]).toBe(cmd.query)
          expect(literals[1]).toBe(`s3://${input.bucket}/${input.prefix}`)
          expect(literals[2]).toBe(input.role)
          const quoted = tokenize(cmd.toSql())
            .filter((t) => t.kind === 'quotedIdent' || t.kind === 'word')
            .map((t) => t.value)
          for (const p of input.partition) expect(quoted).toContain(p)
        },
      ),
      { numRuns: 400 },
    )
    expect(built).toBeGreaterThan(100)
  })

  it('table names from TableRef.parse of their own SQL come back the same', () => {
    fc.assert(
      fc.property(fc.option(name, { nil: undefined }), name, (schema, table) => {
        const ref = schema === undefined ? new TableRef(table) : new TableRef(schema, table)
        const parsed = TableRef.parse(ref.toSql())
        expect(parsed).toEqual(ref)
      }),
      { numRuns: 300 },
    )
  })
})
