/** The Data API's pure parts: parameter binding, value encoding, result pages, tokens, options. */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  columnMetadata,
  csvField,
  describeType,
  fieldJson,
  timestampText,
} from '../../src/aws/data-api/column-types.js'
import { resolveDataApiOptions } from '../../src/aws/data-api/options.js'
import { decodeToken, encodeToken, pageOf } from '../../src/aws/data-api/paging.js'
import { bindParameters, checkAllUsed } from '../../src/aws/data-api/parameters.js'
import { ResultBuilder, ResultLimitError } from '../../src/aws/data-api/result-set.js'
import { SpillSpace } from '../../src/aws/data-api/spill-space.js'

describe('bindParameters', () => {
  it('numbers each distinct name once, in order of first use', () => {
    const b = bindParameters('select :b, :a, :b', [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ])
    expect(b.text).toBe('select $1, $2, $1')
    expect(b.values).toEqual(['2', '1'])
  })

  it('leaves :names in strings, quoted identifiers, comments and dollar quotes, and keeps ::casts', () => {
    const sql = `select ':x', ":x", $$ :x $$, :x::int -- :x\n/* :x */`
    expect(bindParameters(sql, [{ name: 'x', value: '5' }]).text).toBe(
      `select ':x', ":x", $$ :x $$, $1::int -- :x\n/* :x */`,
    )
  })

  it('refuses a placeholder without a parameter, and a parameter no SQL uses', () => {
    expect(() => bindParameters('select :missing', [])).toThrow(/:missing/)
    const bound = [bindParameters('select :a', [{ name: 'a', value: '1' }])]
    expect(() =>
      checkAllUsed(
        [
          { name: 'a', value: '1' },
          { name: 'z', value: '2' },
        ],
        bound,
      ),
    ).toThrow(/z is not used/)
    // A numeric slice bound stays SQL when no parameter has that name.
    expect(bindParameters('select (array[1,2,3])[1:2]', undefined).text).toBe('select (array[1,2,3])[1:2]')
  })
})

describe('values and metadata', () => {
  it('encodes each type as its Field', () => {
    expect(fieldJson('long', '9223372036854775807')).toBe('{"longValue":9223372036854775807}')
    expect(fieldJson('double', 'NaN')).toBe('{"doubleValue":"NaN"}')
    expect(fieldJson('bool', 'f')).toBe('{"booleanValue":false}')
    expect(fieldJson('string', 'a"b')).toBe('{"stringValue":"a\\"b"}')
    expect(fieldJson('blob', '\\x0005')).toBe('{"blobValue":"AAU="}')
    expect(fieldJson('long', null)).toBe('{"isNull":true}')
    expect(timestampText('2022-02-22 00:00:00')).toBe('2022-02-22 00:00:00.0')
    expect(timestampText('2022-02-22 00:00:00.5')).toBe('2022-02-22 00:00:00.5')
  })

  it('quotes CSV fields that need it; NULL is empty', () => {
    expect(csvField('string', 'a,b')).toBe('"a,b"')
    expect(csvField('string', 'say "hi"')).toBe('"say ""hi"""')
    expect(csvField('string', null)).toBe('')
    expect(csvField('blob', '\\xff00')).toBe('ff00')
  })

  it('reads precision and scale from the type modifier', () => {
    expect(describeType(1700, ((12 << 16) | 2) + 4)).toMatchObject({
      typeName: 'numeric',
      precision: 12,
      scale: 2,
    })
    expect(describeType(1043, 24)).toMatchObject({ typeName: 'varchar', precision: 20 })
    expect(describeType(4000, -1)).toMatchObject({ typeName: 'super', isCaseSensitive: true })
    expect(describeType(99999, -1).typeName).toBe('varchar')
    const meta = columnMetadata(
      { name: 'n', tableID: 0, columnID: 0, dataTypeID: 20, dataTypeModifier: -1 },
      undefined,
    )
    expect(meta).toMatchObject({
      typeName: 'int8',
      precision: 19,
      nullable: 1,
      tableName: '',
      schemaName: '',
    })
  })
})

const limits = { pageBytes: 100, maxResultBytes: 10_000, maxRowBytes: 500, memoryBytesPerResult: 1_000_000 }

describe('ResultBuilder', () => {
  it('cuts pages by size and serves them in order', async () => {
    const builder = new ResultBuilder('JSON', ['long'], ['n'], limits, new SpillSpace(1_000_000))
    for (let i = 0; i < 50; i++) builder.add([String(i)])
    const result = builder.finish([])
    expect(result.totalRows).toBe(50)
    expect(result.pageCount).toBeGreaterThan(5)
    const all: unknown[] = []
    for (let p = 0; p < result.pageCount; p++)
      all.push(...(JSON.parse(`[${await result.page(p)}]`) as unknown[]))
    expect(all).toHaveLength(50)
    expect(all[49]).toEqual([{ longValue: 49 }])
    await result.dispose()
  })

  it('spills to a file past the memory budget and removes it when disposed', async () => {
    const space = new SpillSpace(150)
    const builder = new ResultBuilder('CSV', ['string'], ['s'], limits, space)
    for (let i = 0; i < 40; i++) builder.add([`row-${i}`])
    const result = builder.finish([])
    const pages = await Promise.all(Array.from({ length: result.pageCount }, (_, p) => result.page(p)))
    const text = pages.map((p) => JSON.parse(p.toString()) as string).join('')
    expect(text.split('\n').slice(0, 3)).toEqual(['s', 'row-0', 'row-1'])
    expect(text.trimEnd().split('\n')).toHaveLength(41)
    const dir = space.newFile().replace(/\/[^/]+$/, '')
    expect(readdirSync(dir)).toHaveLength(1)
    await result.dispose()
    space.dispose()
    expect(() => readdirSync(dir)).toThrow()
  })

  it('throws the service’s errors past the row and result limits', () => {
    const builder = new ResultBuilder('JSON', ['string'], ['s'], limits, new SpillSpace(1_000_000))
    expect(() => builder.add(['x'.repeat(501)])).toThrow(ResultLimitError)
    const big = new ResultBuilder('JSON', ['string'], ['s'], limits, new SpillSpace(1_000_000))
    expect(() => {
      for (let i = 0; i < 30; i++) big.add(['y'.repeat(400)])
    }).toThrow(/Database response exceeded size limit/)
    big.abandon()
  })
})

describe('paging and options', () => {
  it('binds NextToken to its request', () => {
    const token = encodeToken('a', 5)
    expect(decodeToken(token, 'a')).toBe(5)
    expect(() => decodeToken(token, 'b')).toThrow(/NextToken/)
    expect(() => decodeToken('garbage!', 'a')).toThrow(/NextToken/)
    const first = pageOf([1, 2, 3], undefined, 2, 100, 's')
    expect(first.page).toEqual([1, 2])
    expect(pageOf([1, 2, 3], first.nextToken, 2, 100, 's')).toEqual({ page: [3] })
  })

  it('defaults to the service’s limits and names a bad option', () => {
    expect(resolveDataApiOptions()).toMatchObject({
      maxActiveStatements: 200,
      maxResultBytes: 500 * 1024 * 1024,
      retentionSeconds: 86_400,
    })
    expect(() => resolveDataApiOptions({ pageBytes: 0 })).toThrow(/dataApi.pageBytes/)
    expect(() => resolveDataApiOptions({ retentionSeconds: 90_000 })).toThrow(/retentionSeconds/)
  })
})
